/**
 * The embedded default config of `npm run demo`. `${DEMO_*}` are filled in by the demo,
 * exactly as `${NOTION_TOKEN}` is filled from the environment in production.
 */
export const DEMO_CONFIG = `
timezone: UTC
northStar: WEEKLY_ACTIVE_USERS
derived:
  STICKINESS: { expr: "DAILY_ACTIVE_USERS / WEEKLY_ACTIVE_USERS * 100", format: percent, label: "DAU/WAU stickiness" }
  SIGNUPS_7D: { expr: "change(SIGNUPS, 7)", label: "Sign-ups this week" }
  DAU_AVG_7D: { expr: "round(avg(DAILY_ACTIVE_USERS, 7), 1)", label: "Daily active users, 7-day average" }
  MRR_GROWTH_28D: { expr: "pct_change(MRR, 28)", format: percent, label: "MRR growth over 28 days" }
sources:
  - name: blog
    type: html
    url: \${DEMO_SITE_URL}/blog
    metrics:
      BLOG_POSTS: { selector: "article.post", extract: count }
  - name: podcast
    type: html
    url: \${DEMO_SITE_URL}/feed.xml
    xml: true
    metrics:
      PODCAST_EPISODES: { selector: item, extract: count }
  - name: product-api
    type: json
    url: \${DEMO_SITE_URL}/api/stats
    headers:
      Authorization: Bearer \${DEMO_API_TOKEN}
    metrics:
      SIGNUPS: { path: data.signups.total }
      DAILY_ACTIVE_USERS: { path: data.active_users }
  - name: analytics
    type: html
    url: \${DEMO_SITE_URL}/dashboard
    login:
      url: \${DEMO_SITE_URL}/login
      form: "form#login"
      fields:
        email: \${DEMO_USER}
        password: \${DEMO_PASSWORD}
      check: a.logout
    metrics:
      WEEKLY_ACTIVE_USERS: { selector: .weekly-active, extract: number }
      MRR: { selector: .mrr, extract: number }
      CHURN_RATE: { selector: .churn, extract: number }
destinations:
  - type: file
    path: \${DEMO_HISTORY}
  - type: console
    jobs: [daily]
`;
