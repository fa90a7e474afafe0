/** Conversations in Chinese. Slots are listed in slots.ts. */
import type { ThreadScript } from './threadScripts.ts';

export const CHINESE_THREADS: readonly ThreadScript[] = [
  {
    key: 'budget-adjustment',
    lang: 'zh',
    with: ['liwei'],
    subject: '第三季度预算调整',
    labels: ['work', 'finance', 'important'],
    max: 2,
    steps: [
      {
        by: 'them',
        text:
          '财务部汇总了第三季度各部门的预算执行情况，研发部目前超出预算约{pct}%，主要是云服务器和外包费用。\n\n' +
          '请在{dueDayZh}{dueTimeZh}前确认以下两项：\n1. 外包合同是否续签到年底；\n2. 云服务费用能否压缩10%。',
      },
      {
        by: 'me',
        text: '外包合同建议续签到12月底；云服务费用我们可以通过清理测试环境压缩约8%，10%有难度。详细说明见附件。',
      },
      { by: 'them', text: '收到，谢谢。我先按8%报上去，如果财务委员会有疑问再找你。', style: 'short' },
    ],
  },
  {
    key: 'q4-budget-kickoff',
    lang: 'zh',
    with: ['liwei'],
    subject: '第四季度预算编制通知',
    labels: ['work', 'finance', 'announcement'],
    max: 1,
    complete: true,
    steps: [
      {
        by: 'them',
        style: 'all',
        text:
          '第四季度预算编制工作正式启动。请各部门负责人于{dueDateZh}之前提交部门预算初稿，模板见共享盘“财务/预算/Q4”。\n\n' +
          '注意：今年差旅预算统一压缩15%，新增人员需要附上业务说明。如有问题请随时联系我。',
      },
    ],
  },
  {
    key: 'travel-budget-warning',
    lang: 'zh',
    with: ['liwei'],
    subject: '研发部差旅费用预算提醒',
    labels: ['work', 'finance'],
    max: 2,
    steps: [
      {
        by: 'them',
        text: '研发部本季度差旅费用已使用预算的{pct2}%，请提醒团队控制出差安排。确有必要的出差，请提前发邮件给我报备，谢谢配合。',
      },
      { by: 'me', text: '好的，我在周会上跟大家强调一下，接下来的出差都会先报备。' },
    ],
  },
  {
    key: 'expense-returned',
    lang: 'zh',
    with: ['wumin'],
    subject: '报销单退回：发票抬头有误',
    labels: ['work', 'finance'],
    steps: [
      {
        by: 'them',
        text:
          '你好，你上周提交的差旅报销单（金额{cny}）因发票抬头与公司名称不一致被退回，请重新开具发票后再提交。\n\n本月报销截止日期为{dueDateZh}，逾期需要走特殊审批。',
      },
      { by: 'me', text: '好的，我联系酒店重开发票，这两天重新提交。' },
      { by: 'them', text: '收到，新发票到了直接在系统里更新就行。', style: 'short' },
    ],
  },
  {
    key: 'weekly-report',
    lang: 'zh',
    with: ['wangfang'],
    cc: ['zhangwei'],
    subject: '{projectZh}项目周报（第{week}周）',
    labels: ['work'],
    weekly: 5,
    steps: [
      {
        by: 'them',
        style: 'all',
        text:
          '本周进展：\n1. 后端接口已完成80%，剩余的是{featureZh}相关接口；\n2. 前端完成登录页和首页改版；\n3. 测试环境已经搭好。\n\n' +
          '风险：第三方支付接口文档不全，可能影响下周联调。\n\n请{me}在{dueDayZh}前确认是否需要推迟上线。',
      },
      { by: 'me', text: '先不推迟，我今天联系支付那边要完整的文档，有结果同步大家。' },
      { by: 'them', text: '好的，等你消息。', style: 'short' },
      { by: 'other', text: '文档拿到了的话发我一份，我这边先把签名校验做了。', style: 'short' },
    ],
  },
  {
    key: 'release-review-meeting',
    lang: 'zh',
    with: ['wangfang'],
    subject: '{projectZh}上线计划评审会',
    labels: ['work'],
    steps: [
      {
        by: 'them',
        style: 'all',
        text:
          '会议时间：{meetDayZh} {meetTime}\n地点：{roomZh}\n议题：上线计划、回滚方案、值班安排\n\n请各模块负责人准备好上线检查清单。',
      },
      { by: 'me', text: '收到，我会参加，回滚方案我来讲。', style: 'short' },
    ],
  },
  {
    key: 'code-review-request',
    lang: 'zh',
    with: ['zhangwei'],
    subject: '请帮忙review一下支付回调的PR',
    labels: ['work'],
    weight: 1.5,
    steps: [
      {
        by: 'them',
        text: '支付回调的重试逻辑改好了（PR #{pr}），主要是加了幂等校验和超时重试。今天能帮忙看一下吗？想赶在明天发版前合进去。',
      },
      { by: 'me', text: '看过了，留了两条评论：重试次数改成可配置，日志里不要打印完整的卡号。改完就可以合。' },
      { by: 'them', text: '已改，谢谢！', style: 'short' },
    ],
  },
  {
    key: 'cpu-alert',
    lang: 'zh',
    with: ['zhangwei'],
    subject: '线上报警：订单服务CPU飙高',
    labels: ['work', 'important'],
    steps: [
      {
        by: 'them',
        text:
          '刚才订单服务CPU到了95%，已经临时扩容到6个实例，现在恢复正常。初步看是昨天上线的报表查询没有走索引。\n\n我先加索引，你看要不要回滚昨天的版本？',
      },
      { by: 'me', text: '先加索引观察，不用回滚。明天上午复盘一下。' },
      { by: 'them', text: '好的，索引已加，CPU回到30%左右。复盘文档我今晚写好。', style: 'short' },
    ],
  },
  {
    key: 'safari-bug',
    lang: 'zh',
    with: ['liuyang'],
    subject: '首页在Safari下白屏的问题',
    labels: ['work'],
    steps: [
      {
        by: 'them',
        text:
          '用户反馈首页在Safari 16下白屏，我查了一下，是用了Safari不支持的正则语法。修复方案有两个：\n1. 加polyfill；\n2. 改写相关代码。\n\n你倾向哪个？',
      },
      { by: 'me', text: '改写代码吧，polyfill太重了。顺便在CI里加上Safari的回归测试。' },
      { by: 'them', text: '好，今天下午提交。', style: 'short' },
    ],
  },
  {
    key: 'growth-weekly',
    lang: 'zh',
    with: ['chenjing'],
    subject: '用户增长周报：新增注册与留存（第{week}周）',
    labels: ['work'],
    weight: 1.5,
    every: 7,
    steps: [
      {
        by: 'them',
        style: 'all',
        text:
          '本周新增注册{count}人，环比增长{pct}%；次周留存41%。活动页转化率偏低，建议下周调整落地页文案。\n\n详细数据见附件。',
      },
    ],
  },
  {
    key: 'customer-requests',
    lang: 'zh',
    with: ['zhaolei'],
    subject: '华东区客户需求汇总',
    labels: ['work', 'customer'],
    steps: [
      {
        by: 'them',
        text:
          '本月华东区客户提的需求汇总如下：\n1. {customerZh}希望支持企业微信登录；\n2. 两家客户要求导出PDF报表；\n3. 有客户询问私有化部署的价格。\n\n' +
          '第一条比较急，客户希望{dueDateZh}前给个排期，麻烦评估一下。',
      },
      { by: 'me', text: '企业微信登录可以排进下个迭代，大约两周。我{dueDayZh}前给你确切的时间。' },
      { by: 'them', text: '太好了，我先跟客户同步。', style: 'short' },
    ],
  },
  {
    key: 'performance-review',
    lang: 'zh',
    with: ['sunli'],
    subject: '年度绩效评估启动通知',
    labels: ['work', 'hr', 'announcement'],
    max: 1,
    complete: true,
    steps: [
      {
        by: 'them',
        style: 'all',
        text:
          '2026年度绩效评估将于{eventDateZh}启动。请各位经理在{dueDateZh}前提醒团队成员完成自评，并在系统中完成上级评估。\n\n系统入口：HR门户 > 绩效管理。如有问题请联系我。',
      },
    ],
  },
  {
    key: 'laptop-purchase',
    lang: 'zh',
    with: ['zhoujie'],
    subject: '笔记本电脑采购申请待审批',
    labels: ['work', 'finance'],
    steps: [
      {
        by: 'them',
        text: '研发部提交的5台笔记本电脑采购申请需要你审批，总金额{cny}。请在{dueDayZh}前审批，否则这批报价会失效。',
      },
      { by: 'me', text: '已审批。', style: 'short' },
    ],
  },
  {
    key: 'api-integration-questions',
    lang: 'zh',
    with: ['huang'],
    subject: '关于系统对接的几个问题',
    labels: ['work', 'customer', 'important'],
    steps: [
      {
        by: 'them',
        text:
          '我们技术团队在对接贵司API时遇到几个问题：\n1. 接口返回的时间是UTC还是北京时间？\n2. 单次批量导入的上限是多少条？\n3. 是否支持回调签名校验？\n\n麻烦尽快回复，我们计划{meetDayZh}开始联调。',
      },
      { by: 'me', text: '1. 所有时间均为UTC，ISO 8601格式；\n2. 单次上限1000条；\n3. 支持，使用HMAC-SHA256签名，文档见开发者中心。' },
      { by: 'them', text: '非常感谢，很清楚。', style: 'short' },
    ],
  },
  {
    key: 'renewal-quote',
    lang: 'zh',
    with: ['lin'],
    subject: '合同续签和报价',
    labels: ['work', 'customer'],
    max: 2,
    steps: [
      {
        by: 'them',
        text:
          '我们的年度合同将于下月到期，想了解一下续签价格。另外我们计划增加20个账号，是否有折扣？\n\n请在{dueDateZh}前给我们一个报价，我们要走内部审批流程。',
      },
      { by: 'me', text: '林经理您好，报价单已经发到您的邮箱，20个账号以上可以享受85折。' },
      { by: 'them', text: '收到，我们内部讨论后回复您。', style: 'short' },
    ],
  },
  {
    key: 'metric-definition',
    lang: 'zh',
    with: ['zhangmin'],
    subject: '数据看板指标口径确认',
    labels: ['work'],
    steps: [
      {
        by: 'them',
        text:
          '新版数据看板里“活跃团队”的口径需要确认：是按7天内有登录算，还是按7天内有实际操作算？两种口径相差大约{pct}%。\n\n请明天之前给个结论，我好更新文档。',
      },
      { by: 'me', text: '按有实际操作算，只登录不算活跃。文档里把两种口径的差异也写上。' },
    ],
  },
  {
    key: 'office-move-zh',
    lang: 'zh',
    with: ['chenhao'],
    subject: '上海办公室搬迁安排',
    labels: ['work', 'announcement'],
    max: 1,
    complete: true,
    steps: [
      {
        by: 'them',
        style: 'all',
        text: '新办公室装修已经完成，计划{eventDateZh}搬迁。请各组在{dueDayZh}前把需要搬运的设备清单发给我，搬迁当天下午暂停办公。',
      },
    ],
  },
  {
    key: 'team-dinner',
    lang: 'zh',
    with: ['wangfang', 'chenjing'],
    subject: '{projectZh}上线庆功宴',
    labels: ['work'],
    max: 2,
    steps: [
      { by: 'them', text: '{projectZh}顺利上线，辛苦大家！{meetDayZh}晚上6点半聚餐，地点在公司楼下的江南小馆，你能来吗？', style: 'short' },
      { by: 'me', text: '一定到！', style: 'short' },
    ],
  },
  {
    key: 'db-expansion-review',
    lang: 'zh',
    with: ['zhangwei'],
    subject: '数据库扩容方案评审',
    labels: ['work'],
    steps: [
      {
        by: 'them',
        text:
          '订单库的磁盘使用率已经到了78%，按现在的增长速度大约两个月后会满。我写了扩容方案：\n1. 先把历史订单归档到冷存储；\n2. 再把主库升级到更大的规格。\n\n请在{dueDayZh}前给个意见，下周要走变更流程。',
      },
      { by: 'me', text: '方案没问题，先做归档，升级放在周末的维护窗口。记得提前通知客服。' },
      { by: 'them', text: '好的，变更单我来提。', style: 'short' },
    ],
  },
  {
    key: 'settings-ui-review',
    lang: 'zh',
    with: ['liuyang'],
    cc: ['emily'],
    subject: '新版设置页的交互稿',
    labels: ['work'],
    steps: [
      {
        by: 'them',
        text: '新版设置页的交互稿已经更新到设计库了，主要改动是把{featureZh}挪到了第一屏。麻烦看一下有没有问题？没问题的话我明天开始开发。',
      },
      { by: 'me', text: '整体可以，错误提示的文案再简单一点。' },
      { by: 'other', text: 'Copy updated, thanks!', style: 'short' },
    ],
  },
  {
    key: 'campaign-retro',
    lang: 'zh',
    with: ['chenjing'],
    subject: '双十一活动复盘',
    labels: ['work'],
    max: 1,
    steps: [
      {
        by: 'them',
        style: 'all',
        text:
          '双十一活动数据：活动页访问{count}次，新增付费团队{n}个，转化率比去年高{pct}%。问题是活动当天上午有20分钟页面打开很慢。\n\n请研发同学补充一下当天的原因分析，我汇总到复盘报告里。',
      },
      { by: 'me', text: '原因是CDN缓存配置被覆盖了，已经加了发布检查。分析文档晚点发你。' },
    ],
  },
  {
    key: 'onboarding-lecture',
    lang: 'zh',
    with: ['sunli'],
    subject: '新员工入职培训讲师邀请',
    labels: ['work', 'hr'],
    max: 2,
    steps: [
      {
        by: 'them',
        text: '想邀请你在{eventDateZh}给本月入职的新同事讲一节产品架构课，大约一个小时。你方便吗？',
      },
      { by: 'me', text: '可以，我准备一个介绍整体架构和主要服务的课件。' },
      { by: 'them', text: '太好了，谢谢支持！会议室我来订。', style: 'short' },
    ],
  },
  {
    key: 'vendor-payment',
    lang: 'zh',
    with: ['zhoujie'],
    subject: '供应商合同付款申请',
    labels: ['work', 'finance'],
    steps: [
      {
        by: 'them',
        text: '测试服务供应商的第二期款项（{cny}）已经到付款节点，付款申请需要你审批。请在{dueDayZh}前处理，逾期会影响对方的服务排期。',
      },
      { by: 'me', text: '已审批，谢谢提醒。', style: 'short' },
    ],
  },
  {
    key: 'cloud-bill-check',
    lang: 'zh',
    with: ['wumin'],
    subject: '云服务账单核对',
    labels: ['work', 'finance'],
    steps: [
      {
        by: 'them',
        text: '这个月CloudHost的账单比上个月多了{pct}%，主要增加在存储和流量上。麻烦确认一下是否正常？财务这边需要写说明。',
      },
      { by: 'me', text: '正常，本月新上了数据归档和两个大客户的迁移，流量增加是预期内的。' },
    ],
  },
  {
    key: 'timeout-explanation',
    lang: 'zh',
    with: ['huang'],
    subject: '今天上午接口超时的情况说明',
    labels: ['work', 'customer', 'important'],
    steps: [
      {
        by: 'them',
        text: '今天上午10点左右，我们调用贵司接口出现了大量超时，影响了我们的订单同步。请尽快给我们一个书面说明，包括原因和后续的改进措施。',
      },
      { by: 'me', text: '非常抱歉。原因是一次数据库切换耗时超出预期，10:05到10:32之间部分请求超时。书面说明和改进措施已经作为附件发您。' },
      { by: 'them', text: '收到，感谢及时说明。', style: 'short' },
    ],
  },
  {
    key: 'customer-visit',
    lang: 'zh',
    with: ['zhaolei'],
    subject: '下周拜访{customerZh}的安排',
    labels: ['work', 'customer'],
    steps: [
      {
        by: 'them',
        text: '下周要去拜访{customerZh}，他们的CTO想了解我们的产品路线图。你{meetDayZh}下午有空一起去吗？',
      },
      { by: 'me', text: '{meetDayZh}下午可以，我准备一份路线图的简版。' },
      { by: 'them', text: '好的，我来约时间。', style: 'short' },
    ],
  },
];
