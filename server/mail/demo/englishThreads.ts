/** Conversations in English. Slots are listed in slots.ts. */
import type { ThreadScript } from './threadScripts.ts';

export const ENGLISH_THREADS: readonly ThreadScript[] = [
  {
    key: 'q3-budget-review',
    lang: 'en',
    with: ['liwei'],
    subject: 'Q3 budget review',
    labels: ['work', 'finance', 'important'],
    max: 3,
    steps: [
      {
        by: 'them',
        text:
          "I've attached the draft Q3 budget for the {project} team. Total spend is tracking at {usd}, about {pct}% over plan, mostly cloud costs and two contractor extensions.\n\n" +
          'Could you go through the engineering lines and flag anything that looks off? Please send the revised numbers by {dueDay} {dueTime} so I can consolidate them before the finance review.',
      },
      {
        by: 'me',
        text: "Thanks, I'll go through it today. The contractor extension for {project} was approved in August, so that part is expected. You'll have the revised numbers before {dueDay}.",
      },
      {
        by: 'them',
        text: 'Thanks {me}. One more thing: can you also confirm whether the {usd2} for load-testing tools is one-off or recurring?',
        style: 'short',
      },
      {
        by: 'me',
        text: "It's one-off. Revised sheet attached: I moved the load-testing tools to one-off spend and cut the cloud line by {pct}% after cleaning up idle staging clusters.",
        style: 'short',
      },
      {
        by: 'them',
        text: "Perfect, that brings the Q3 budget back within plan. I'll present it at the finance review on {meetDay}. Thanks for the quick turnaround!",
        style: 'short',
      },
    ],
  },
  {
    key: 'weekly-spend',
    lang: 'en',
    with: ['liwei'],
    subject: 'Engineering spend, week {week}',
    labels: ['work', 'finance'],
    weekly: 2,
    complete: true,
    steps: [
      {
        by: 'them',
        text:
          'Here is this week\'s engineering spend: cloud {usd2}, contractors on plan, tools slightly over. The Q3 budget has {pct}% left for the rest of the quarter.\n\n' +
          'Two cloud accounts have no cost centre yet. Can you tell me which team owns them?',
      },
      { by: 'me', text: 'Both belong to the {project} team (load testing). Please book them on its cost centre.' },
      { by: 'them', text: 'Done, thanks. See you at next week\'s numbers.', style: 'short' },
    ],
  },
  {
    key: 'q3-budget-signoff',
    lang: 'en',
    with: ['liwei'],
    subject: 'Q3 budget: final numbers for sign-off',
    labels: ['work', 'finance'],
    max: 2,
    steps: [
      {
        by: 'them',
        text:
          'The finance committee meets on {meetDay}. Attached are the final Q3 budget numbers for engineering: {usd} in total, {pct}% below the original plan thanks to the cloud savings.\n\n' +
          'Please confirm by {dueDay} {dueTime} that these match your records. After that the numbers are locked for the quarter.',
      },
      { by: 'me', text: 'Confirmed, the numbers match what we have. Thanks for pulling this together.' },
      { by: 'them', text: "Great, thanks. Engineering is marked as signed off for Q3.", style: 'short' },
    ],
  },
  {
    key: 'hiring-budget',
    lang: 'en',
    with: ['liwei'],
    cc: ['michael'],
    subject: 'Hiring plan for the {project} team (budget model)',
    labels: ['work', 'finance'],
    max: 2,
    steps: [
      {
        by: 'them',
        text:
          "I'm updating the headcount part of the budget model. Could you send me the hiring plan for {project}: roles, levels and planned start months? I need it by {dueDate} to include it in the next forecast.",
      },
      { by: 'me', text: 'Will do. Short version: two backend engineers (senior and mid) and one product designer, all starting in Q1. The full sheet follows tomorrow.' },
      { by: 'other', text: 'Agreed with the plan. {them}, please budget the senior role at the upper band, the market is tight.', style: 'short' },
    ],
  },
  {
    key: 'sprint-planning',
    lang: 'en',
    with: ['sarah'],
    subject: 'Sprint {sprint} planning – {project}',
    labels: ['work'],
    weight: 2,
    every: 10,
    steps: [
      {
        by: 'them',
        text:
          'Here is the draft scope for sprint {sprint}:\n\n- finish the {feature} backend\n- fix the top five bugs from support\n- spike on the new search indexer\n\n' +
          'Can you review the priorities before our planning meeting on {meetDay} at {meetTime}? I am not sure the spike fits.',
      },
      { by: 'me', text: "Looks good. Let's move {feature} to the top, {customer} is waiting for it, and push the spike to the next sprint." },
      { by: 'them', text: 'Done, the board is updated. See you on {meetDay}.', style: 'short' },
    ],
  },
  {
    key: 'incident-postmortem',
    lang: 'en',
    with: ['tom'],
    cc: ['sarah'],
    subject: 'Incident: elevated API latency in {region}',
    labels: ['work', 'important'],
    steps: [
      {
        by: 'them',
        text:
          'Summary of yesterday\'s incident: between 14:05 and 14:40 the p95 latency of the public API in {region} went up to 2.3 s and about 4% of requests timed out.\n\n' +
          'Root cause: the connection pool limit of {repo} was lowered by mistake in release {version}. We rolled back at 14:32 and latency recovered within minutes.\n\n' +
          'The postmortem draft is in the incident folder. Please review it by {dueDay} so we can close it in the weekly ops review.',
      },
      { by: 'me', text: 'Thanks, clear write-up. Could we add an alert on pool saturation so we catch this before customers do?' },
      { by: 'them', text: "Yes, added as action item 3 ({ticket}). I'll have the alert in place by the end of the week.", style: 'short' },
      { by: 'other', text: 'Nice work everyone. Closing this one in the ops review.', style: 'short' },
    ],
  },
  {
    key: 'design-review',
    lang: 'en',
    with: ['emily'],
    subject: 'Design review: {feature} mockups',
    labels: ['work'],
    weight: 1.5,
    steps: [
      {
        by: 'them',
        text:
          'The new mockups for {feature} are ready. Main changes since last time: a simpler first screen, inline validation, and a clearer empty state.\n\n' +
          'Could you leave your comments before {dueDay} {dueTime}? We want to hand it over to engineering next sprint.',
      },
      { by: 'me', text: 'I left a few comments, mostly about the empty states and the wording of the error messages. Overall this is a big improvement.' },
      { by: 'them', text: "Thanks! I'll update the empty states and share v2 tomorrow.", style: 'short' },
    ],
  },
  {
    key: 'customer-export-failure',
    lang: 'en',
    with: ['robert'],
    subject: 'Nightly data export failing for our account',
    labels: ['work', 'customer', 'important'],
    steps: [
      {
        by: 'them',
        text:
          'Since this morning our nightly export fails with a timeout after about 30 minutes. This blocks our finance team, who need the data for the month-end close.\n\n' +
          'Can you have someone look at it today? Our account id is CT-{count}.',
      },
      { by: 'me', text: "Sorry about this. We've reproduced the timeout and are working on a fix. I'll send you an update by {dueTime}." },
      { by: 'them', text: 'Thanks for the quick response. Is there any update? Our controller is asking.', style: 'short' },
      { by: 'me', text: "The fix is deployed and last night's export completed in 11 minutes. Please let us know if you see anything unusual." },
      { by: 'them', text: 'Confirmed, all good on our side. Thanks to the team.', style: 'short' },
    ],
  },
  {
    key: 'contract-renewal',
    lang: 'en',
    with: ['laura'],
    cc: ['david'],
    subject: 'Renewal of the Fabrikam enterprise agreement',
    labels: ['work', 'customer'],
    max: 2,
    steps: [
      {
        by: 'them',
        text:
          'Our agreement expires at the end of next month. Before we renew we would like to discuss pricing for 50 additional seats and the SSO add-on.\n\n' +
          'Would {meetDay} at {meetTime} work for a call?',
      },
      { by: 'me', text: '{meetDay} at {meetTime} works for me. David from our sales team will join as well.' },
      { by: 'other', text: "Looking forward to it, Laura. I'll send the invite with a dial-in.", style: 'short' },
    ],
  },
  {
    key: 'security-questionnaire',
    lang: 'en',
    with: ['david'],
    subject: '{customer} deal – security questionnaire',
    labels: ['work', 'customer'],
    steps: [
      {
        by: 'them',
        text:
          'The {customer} team sent their security questionnaire (42 questions). Most are standard, but I need engineering input on data residency and encryption at rest.\n\n' +
          'Can you fill in section 4 by {dueDay} {dueTime}? The deal is in the final stage.',
      },
      { by: 'me', text: "Sure, I'll do section 4 tonight. Data stays in the EU region for them, and everything is encrypted at rest with per-tenant keys." },
      { by: 'them', text: "You're a star, thanks.", style: 'short' },
    ],
  },
  {
    key: 'release-qa',
    lang: 'en',
    with: ['priya'],
    subject: 'Release {version} – QA sign-off',
    labels: ['work'],
    weight: 1.5,
    steps: [
      {
        by: 'them',
        text:
          'Regression testing for {version} is done: {count} passed, 3 failed (all known flaky tests). One open bug, {ticket}, affects CSV imports over 50 MB.\n\n' +
          'Do we ship with a known issue or hold the release?',
      },
      { by: 'me', text: "Let's ship and mention it in the release notes. The fix goes into the next patch release." },
      { by: 'them', text: 'OK, signing off. Release notes are updated.', style: 'short' },
    ],
  },
  {
    key: 'launch-plan',
    lang: 'en',
    with: ['anna'],
    subject: 'Launch plan for {feature}',
    labels: ['work'],
    steps: [
      {
        by: 'them',
        text:
          'Sharing the launch plan for {feature}: a blog post, a webinar on {eventDate}, and an email to all workspace admins.\n\n' +
          'Could you review the technical parts of the blog draft and send feedback by {dueDay}?',
      },
      { by: 'me', text: 'Reviewed. Two corrections in the comments: the API limits changed last month, and the feature is not available on the free plan.' },
      { by: 'them', text: 'Perfect, thank you! Fixed both.', style: 'short' },
    ],
  },
  {
    key: 'dpa-review',
    lang: 'en',
    with: ['james'],
    subject: 'DPA review for {customer}',
    labels: ['work', 'customer'],
    steps: [
      {
        by: 'them',
        text:
          '{customer} sent back the data processing agreement with changes to clause 7 (sub-processors). Can you confirm which sub-processors we use for {project}?\n\n' +
          'I need the list by {dueDate} to reply to their counsel.',
      },
      { by: 'me', text: 'We use CloudHost for hosting and MailRelay for transactional email. Nothing else touches customer data.' },
      { by: 'them', text: "Thanks, that matches our register. I'll send our answer today.", style: 'short' },
    ],
  },
  {
    key: 'offsite-priorities',
    lang: 'en',
    with: ['michael'],
    subject: 'Planning offsite: your top three priorities',
    labels: ['work', 'important'],
    max: 1,
    steps: [
      {
        by: 'them',
        text:
          "I'm putting together the agenda for the planning offsite on {eventDate}. Please send me your top three priorities for next quarter and one thing we should stop doing. A paragraph each is plenty.\n\n" +
          'I need them by {dueDay} to share the agenda in advance.',
      },
      {
        by: 'me',
        text:
          'Here are mine:\n\n1. Reliability: cut p95 latency in half and get to 99.95% monthly uptime.\n2. Enterprise readiness: SSO, audit log and data residency for the big deals.\n3. Onboarding: time to first value under ten minutes.\n\nStop doing: custom one-off integrations for single customers.',
      },
      { by: 'them', text: 'Great input, thanks. Your point on one-off integrations will get its own slot.', style: 'short' },
    ],
  },
  {
    key: 'one-on-one',
    lang: 'en',
    with: ['michael', 'sarah'],
    subject: 'Can we move our 1:1?',
    labels: ['work'],
    weight: 1.5,
    steps: [
      { by: 'them', text: 'Something came up on my side. Can we move our 1:1 to {meetDay} at {meetTime}?', style: 'short' },
      { by: 'me', text: 'Sure, {meetDay} at {meetTime} works for me.', style: 'short' },
    ],
  },
  {
    key: 'weekly-metrics',
    lang: 'en',
    with: ['zhangmin'],
    subject: 'Weekly metrics: active teams and retention (week {week})',
    labels: ['work'],
    weight: 1.5,
    every: 7,
    steps: [
      {
        by: 'them',
        text:
          'The weekly metrics are in. Active teams are up {pct}% week over week, and retention of the new onboarding cohort is 71%, up from 64%.\n\n' +
          'One question: should we count guest users in the active numbers? It changes the total by about 6%.',
      },
      { by: 'me', text: "Let's exclude guests for now and track them as a separate line, so the trend stays comparable." },
      { by: 'them', text: 'Makes sense. Updated the dashboard.', style: 'short' },
    ],
  },
  {
    key: 'office-move-en',
    lang: 'en',
    with: ['chenhao'],
    subject: 'Shanghai office move: desk list for your team',
    labels: ['work'],
    max: 1,
    steps: [
      {
        by: 'them',
        text:
          'The move to the new floor of the Shanghai office is planned for {eventDate}. Please confirm your team\'s desk list (names and monitor needs) by {dueDay} {dueTime}.',
      },
      { by: 'me', text: 'Sent the list: eleven people, four of them need two monitors.' },
    ],
  },
  {
    key: 'webhook-retries',
    lang: 'en',
    with: ['kenji'],
    subject: 'Integration question: webhook retries',
    labels: ['work', 'customer'],
    steps: [
      {
        by: 'them',
        text:
          'We are integrating your webhooks into our order system. How many times do you retry a failed delivery, and with what backoff?\n\n' +
          'Also, is there a way to replay the events of the last 24 hours?',
      },
      { by: 'me', text: 'We retry eight times with exponential backoff, up to six hours in total. Replays are available in the dashboard under Webhooks > Deliveries, for the last 72 hours.' },
      { by: 'them', text: 'Thank you, very helpful.', style: 'short' },
    ],
  },
  {
    key: 'interview-feedback',
    lang: 'en',
    with: ['sarah'],
    subject: 'Interview feedback: senior backend candidate',
    labels: ['work'],
    steps: [
      { by: 'them', text: 'Can you add your feedback for today\'s candidate in the hiring tool by end of day? The debrief is tomorrow at 10:00.' },
      { by: 'me', text: 'Done. Strong yes from me on system design, some doubts about the coding round.' },
    ],
  },
  {
    key: 'staging-down',
    lang: 'en',
    with: ['tom'],
    subject: 'Is staging down?',
    labels: ['work'],
    complete: true,
    steps: [
      { by: 'me', text: 'I get a 502 on every page of staging since about an hour ago. Is something running?', style: 'short' },
      { by: 'them', text: 'Yes, sorry: a database migration is running. It should be back in 20 minutes.', style: 'short' },
    ],
  },
  {
    key: 'flaky-tests',
    lang: 'en',
    with: ['priya'],
    cc: ['tom'],
    subject: 'Flaky tests in the {repo} suite',
    labels: ['work'],
    steps: [
      {
        by: 'them',
        text:
          'The {repo} suite failed on main {n} times this week, every time in the same two end-to-end tests. They wait on a fixed sleep instead of the event.\n\n' +
          'Would you be OK with quarantining them until we rewrite them?',
      },
      { by: 'me', text: 'OK to quarantine, but please open a ticket so they do not stay there forever.' },
      { by: 'other', text: 'Ticket is {ticket}, I can take it next week.', style: 'short' },
    ],
  },
  {
    key: 'oncall-handover',
    lang: 'en',
    with: ['tom', 'sarah'],
    subject: 'On-call handover, week {week}',
    labels: ['work'],
    weight: 1.5,
    every: 7,
    steps: [
      {
        by: 'them',
        text:
          'Quiet week overall: two pages, both for disk space on the log cluster (fixed by rotating older indices). One open item: the certificate for the status page expires on {dueDate}; the renewal is scheduled.\n\n' +
          'Nothing needs your attention right now.',
      },
    ],
  },
  {
    key: 'customer-lunch',
    lang: 'en',
    with: ['david'],
    subject: 'Lunch with the {customer} team on {meetDay}?',
    labels: ['work', 'customer'],
    steps: [
      { by: 'them', text: 'The {customer} team is in town on {meetDay} and asked whether you could join us for lunch. Are you free around 12:30?', style: 'short' },
      { by: 'me', text: 'Yes, count me in.', style: 'short' },
    ],
  },
  {
    key: 'icons-question',
    lang: 'en',
    with: ['emily'],
    subject: 'Quick question about the new icons',
    labels: ['work'],
    complete: true,
    steps: [
      { by: 'me', text: 'Are the new icons final? The {feature} page still uses the old set and I would like to update it before the release.', style: 'short' },
      { by: 'them', text: 'Yes, they are final. The export is in the design library under "Icons 2026".', style: 'short' },
    ],
  },
  {
    key: 'annual-discount',
    lang: 'en',
    with: ['david'],
    subject: 'Discount for {customer} on annual billing?',
    labels: ['work', 'customer'],
    steps: [
      {
        by: 'them',
        text:
          '{customer} is ready to sign for 120 seats if we move them to annual billing with a {pct}% discount. Finance is fine with up to 15%.\n\n' +
          'Are you OK with it from the product side? They also asked for early access to {feature}.',
      },
      { by: 'me', text: 'Fine with the discount. Early access to {feature} is OK too, as long as they join the feedback calls.' },
      { by: 'them', text: 'Great, I will send the order form today.', style: 'short' },
    ],
  },
  {
    key: 'export-timezone-bug',
    lang: 'en',
    with: ['kenji', 'robert'],
    subject: 'Timestamps in the CSV export are off by one hour',
    labels: ['work', 'customer'],
    steps: [
      {
        by: 'them',
        text:
          'Since the daylight saving change, the timestamps in our CSV export are one hour off compared with the dashboard. It looks like the export still uses the old offset.\n\n' +
          'Can you confirm the bug and tell us when a fix is planned?',
      },
      { by: 'me', text: 'Confirmed, the export formats times with a cached offset. The fix ships in {version} next week; until then the dashboard values are the correct ones.' },
      { by: 'them', text: 'Thanks for the clear answer.', style: 'short' },
    ],
  },
  {
    key: 'api-deprecation',
    lang: 'en',
    with: ['tom'],
    cc: ['sarah'],
    subject: 'Heads-up: turning off the v1 endpoints',
    labels: ['work'],
    max: 2,
    steps: [
      {
        by: 'them',
        text:
          'Traffic on the v1 endpoints is down to {n} requests a day, almost all from two customers. I would like to switch v1 off on {dueDate}.\n\n' +
          'Could you make sure the account managers of those two customers know by {dueDay}?',
      },
      { by: 'me', text: 'Good plan. I will talk to David today; both customers already have the migration guide.' },
      { by: 'other', text: 'Please keep a feature flag so we can turn v1 back on for a week if someone screams.', style: 'short' },
    ],
  },
  {
    key: 'conference-talk',
    lang: 'en',
    with: ['anna'],
    subject: 'Speaking slot at DevConf on {eventDate}',
    labels: ['work'],
    max: 1,
    steps: [
      {
        by: 'them',
        text:
          'DevConf offered us a 20-minute slot on {eventDate}. Would you be up for a talk on how we built {feature}?\n\n' +
          'If yes, I need a title and a short abstract by {dueDay} {dueTime}.',
      },
      { by: 'me', text: 'Happy to. Title: "Shipping {feature} without breaking 4,000 integrations". Abstract follows tonight.' },
      { by: 'them', text: 'Love the title. Submitted!', style: 'short' },
    ],
  },
  {
    key: 'peer-feedback',
    lang: 'en',
    with: ['sarah'],
    subject: 'Peer feedback request for {other}',
    cc: ['tom', 'priya'],
    labels: ['work', 'hr'],
    max: 2,
    steps: [
      {
        by: 'them',
        text: 'As part of the review cycle, could you write peer feedback for {other}? Three strengths and one area to grow is enough. Please submit it in the HR portal by {dueDate}.',
      },
      { by: 'me', text: 'Done, submitted this morning.', style: 'short' },
    ],
  },
  {
    key: 'licence-check',
    lang: 'en',
    with: ['james'],
    subject: 'Open-source licence check for {repo}',
    labels: ['work'],
    steps: [
      {
        by: 'them',
        text:
          'Our annual licence audit flagged two dependencies in {repo} with unclear licences. Please confirm by {dueDay} whether {repo} ships any GPL code in the product we distribute.',
      },
      { by: 'me', text: 'No GPL code ships: both flagged packages are build-time tools only. The full dependency report is attached.' },
      { by: 'them', text: 'Perfect, closing the finding.', style: 'short' },
    ],
  },
  {
    key: 'data-access',
    lang: 'en',
    with: ['zhangmin'],
    subject: 'Access to the billing tables for the churn analysis',
    labels: ['work'],
    steps: [
      {
        by: 'them',
        text: 'For the churn analysis I need read access to the billing tables in the warehouse. Could you approve the request in the access portal by {dueDay} {dueTime}?',
      },
      { by: 'me', text: 'Approved, read-only for 30 days.', style: 'short' },
    ],
  },
  {
    key: 'roadmap-draft',
    lang: 'en',
    with: ['michael'],
    cc: ['sarah', 'anna'],
    subject: 'Roadmap draft for next quarter',
    labels: ['work', 'important'],
    max: 2,
    steps: [
      {
        by: 'them',
        text:
          'Attached is the first draft of next quarter\'s roadmap: {feature} and the reliability work are in, the mobile redesign moved out.\n\n' +
          'Please send your comments by {dueDay}; the final version goes to the board the week after.',
      },
      { by: 'me', text: 'Two comments: the reliability work needs two more engineers than planned, and I would keep a small slot for the {customer} integration.' },
      { by: 'other', text: 'Agree on reliability. Marketing can live with the mobile redesign moving.', style: 'short' },
      { by: 'them', text: 'Thanks both, updated in v2.', style: 'short' },
    ],
  },
  {
    key: 'audit-export-request',
    lang: 'en',
    with: ['laura'],
    subject: 'Feature request: exporting the audit log',
    labels: ['work', 'customer'],
    steps: [
      {
        by: 'them',
        text: 'Our auditors would like to receive the audit log as a monthly export instead of screenshots. Is this on your roadmap, and is there an API we could use in the meantime?',
      },
      { by: 'me', text: 'Yes: a scheduled export is planned for next quarter, and the audit log API (GET /v2/audit-events) is available today on your plan.' },
      { by: 'them', text: 'Great, our team will use the API for now.', style: 'short' },
    ],
  },
  {
    key: 'new-intern',
    lang: 'en',
    with: ['sarah'],
    subject: 'New intern joining the {project} team on Monday',
    labels: ['work'],
    max: 2,
    complete: true,
    steps: [
      {
        by: 'them',
        text: 'Just so you know: our new intern starts on Monday and will sit with the {project} team for three months. Onboarding buddy is Tom. No action needed from you.',
      },
    ],
  },
];
