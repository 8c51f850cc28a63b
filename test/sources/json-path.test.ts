import { describe, expect, it } from "@jest/globals";
import { formatPath, parsePath, resolvePath } from "../../src/sources/json-path.js";

describe("parsePath", () => {
  it.each([
    ["count", ["count"]],
    ["data.items[0].count", ["data", "items", 0, "count"]],
    ['["key with.dots"].value', ["key with.dots", "value"]],
    ["stats['a b'][2]", ["stats", "a b", 2]],
    ['a["quo\\"te"]', ["a", 'quo"te']],
    ["items[-1]", ["items", -1]],
    ["$.data.total", ["data", "total"]],
    ["$[0]", [0]],
    ["kebab-key.x_y", ["kebab-key", "x_y"]],
  ])("parses %s", (path, expected) => {
    expect(parsePath(path)).toEqual(expected);
  });

  it.each([
    ["", "the path is empty"],
    ["a..b", "empty key"],
    [".a", "empty key"],
    ["a.", 'ends with "."'],
    ["a[x]", 'expected [number] or ["key"]'],
    ["a[0", 'expected [number] or ["key"]'],
    ['a["b]', "unclosed"],
    ["a[0]b", 'expected "." or "["'],
    ["a]b", 'unexpected "]"'],
  ])("rejects %j", (path, message) => {
    expect(() => parsePath(path)).toThrow(message);
  });
});

describe("resolvePath", () => {
  const doc = { data: { items: [{ count: 5 }, { count: 0 }], "a.b": 3, nil: null }, list: [1, 2, 3] };

  it.each([
    ["data.items[0].count", 5],
    ["data.items[1].count", 0],
    ['data["a.b"]', 3],
    ["list[-1]", 3],
    ["data.nil", null],
  ])("finds %s", (path, value) => {
    expect(resolvePath(doc, parsePath(path))).toEqual({ found: true, value });
  });

  it.each([
    ["data.items[2].count", "data.items[2]"],
    ["data.total", "data.total"],
    ["list.length", "list.length"],
    ["data.items[0].count.x", "data.items[0].count.x"],
    ["data.nil.x", "data.nil.x"],
    ["data.toString", "data.toString"],
  ])("says where %s stops", (path, missing) => {
    expect(resolvePath(doc, parsePath(path))).toEqual({ found: false, missing });
  });

  it("formats paths back for messages", () => {
    expect(formatPath(["data", "items", 0, "key with.dots"])).toBe('data.items[0]["key with.dots"]');
  });
});
