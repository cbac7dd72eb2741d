/**
 * The privacy policy in full (个人信息保护政策), as the consent page shows it. It states what the
 * backend does: what is stored (functions/src/store), who may see it (the staff of the report's
 * areas; the phone masked and only while the task is theirs: http/views.ts), how long
 * (RETENTION_DAYS, 180 by default, after a report ends: flows/retention.ts; audit logs at least
 * 6 months) and the right to delete the account (DELETE /v1/me: flows/account.ts). A change to
 * any of these changes this text, and the notice's version (PRIVACY_NOTICE_VERSION) with it.
 */

/** Days after a report ends before it is pseudonymised and its photos deleted: the backend's RETENTION_DAYS default, used until GET /v1/me says the deployment's. */
export const RETENTION_DAYS = 180;

export interface PolicySection {
  title: string;
  paragraphs: string[];
}

export const POLICY_TITLE = '微事报个人信息保护政策';

/** The policy with the deployment's retention (GET /v1/me `consent.retentionDays`). */
export const policyFor = (retentionDays: number = RETENTION_DAYS): readonly PolicySection[] => [
  {
    title: '一、我们收集哪些信息',
    paragraphs: [
      '登录信息：您的微信账号在本小程序中的标识（openid），用于识别您是谁、让您看到自己的上报。我们不获取您的微信昵称、头像、好友或聊天记录。',
      '手机号（选填）：只有您点“使用微信绑定的手机号”并同意时，才通过微信取得，用于工作人员在需要时联系您。不提供手机号不影响上报。',
      '上报内容：问题类型、您写的描述、您拍摄或选择的照片、问题所在位置（手机定位的坐标，或您选择的楼栋、单元、楼层）、是否匿名，以及您加入跟进（“我也遇到”）和评价的记录。',
      '位置只在您打开上报页时获取一次，用来确定问题所在的网格；我们不会在后台持续定位。',
    ],
  },
  {
    title: '二、为什么收集',
    paragraphs: [
      '把隐患交给负责该网格的网格员处理（需要时同时交给社区民警），并按时限督办。',
      '告诉您处理进展（微信订阅消息须经您同意），并在办结后请您评价。',
      '统计受理率、按期办结率、满意率等，改进工作；统计只使用不能识别到个人的数据。',
    ],
  },
  {
    title: '三、谁能看到',
    paragraphs: [
      '负责该区域的工作人员：网格员、网格长、社区民警和网格化服务管理中心。每个工作人员只能看到自己负责区域的上报。',
      '工作人员看到的手机号是打码的（如 138****5678），且只在这件事由他们处理期间；需要拨打时会留下记录。匿名上报时，工作人员看不到您是谁。',
      '附近上报同类问题的居民只能看到问题类型、处理状态和所在楼栋；加入跟进（“我也遇到”）后能看到描述和照片。他们都看不到您是谁，也看不到单元和楼层。',
      '照片在上传后去掉拍摄地点、设备等隐藏信息，只通过短时有效的链接查看。工作人员每次查看个人信息和每一步处理都会记入审计日志。',
      '除法律法规要求外，我们不会把您的个人信息提供给上述人员以外的任何人，也不会用于广告。',
    ],
  },
  {
    title: '四、保存多久',
    paragraphs: [
      `一件上报办结（或不予受理、被合并）${retentionDays} 天后，我们删除它的照片，并把上报人和跟进人替换为无法识别的代号；隐患本身（类型、位置、处理经过）作为城市安全管理记录保留。`,
      '审计日志依法至少保存 6 个月。',
    ],
  },
  {
    title: '五、您的权利',
    paragraphs: [
      '您可以随时查看自己的上报和每一步处理进展。',
      '您可以注销账号（在首页底部“隐私政策与账号注销”）：注销后我们删除您的手机号和微信标识，您的上报去除身份后保留，您将不能再查看或评价它们。',
      '不同意本政策时可以点“不同意”：我们会删除刚为您创建的账号，不保留您的信息。',
    ],
  },
  {
    title: '六、联系我们',
    paragraphs: [
      '对个人信息的处理有疑问、意见或投诉，请联系您所在街道的网格化服务管理中心，或拨打 12345 政务服务便民热线，我们会尽快答复。',
    ],
  },
];

/** The short version shown before the full text. */
export const policySummaryFor = (retentionDays: number = RETENTION_DAYS): ReadonlyArray<readonly [string, string]> => [
  ['我们收集什么', '登录用的微信标识（openid）；您同意时提供的手机号；您上报的照片、位置、描述。'],
  ['用来做什么', '把隐患交给负责的网格员或社区民警处理，并告诉您处理进展、请您评价。'],
  ['谁能看到', '只有负责该区域的工作人员。他们看到的手机号是打码的（如 138****5678）；匿名上报时看不到您是谁。'],
  ['保存多久', `办结 ${retentionDays} 天后删除照片，并去除上报人身份。`],
  ['您的权利', '您可以随时查看自己的上报，也可以注销账号。'],
];

export const POLICY = policyFor();
export const POLICY_SUMMARY = policySummaryFor();
