const echarts=require("echarts/dist/echarts.common.min.js");
const c=echarts.init(null,null,{renderer:"svg",ssr:true,width:200,height:100});
c.setOption({animation:false,title:{text:"x",subtext:"{a|v}",subtextStyle:{rich:{a:{fontSize:20}}}},xAxis:{type:"category",data:["a","b"]},yAxis:{},series:[{type:"line",data:[1,null],markLine:{data:[{xAxis:"a"}]}}]});
const s=c.renderToSVGString(); console.log(s.length, /stroke-dasharray/.test(s), s.includes("<path"));
