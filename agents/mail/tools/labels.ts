/** What a tool's `label` argument says: the labels the mail carries (the demo mailbox's, and an IMAP account's flags). */
export const LABEL_DESCRIPTION =
  'Only mail with this label: "important" (urgent/important mail), "unread" (not read yet), "sent" (written by the user), "inbox", "work", "finance", "customer", "hr", "calendar" (invitations), "newsletter", "notification", "announcement"';

/** Labels that name a kind of mail ("finance emails", "tagged hr", 财务类邮件), with the Chinese words for that kind. */
export const KIND_LABELS: readonly { label: string; zh: string }[] = [
  { label: 'finance', zh: '财务' },
  { label: 'customer', zh: '客户' },
  { label: 'hr', zh: '人事|HR|hr' },
  { label: 'calendar', zh: '日历|日程' },
  { label: 'notification', zh: '通知' },
  { label: 'announcement', zh: '公告' },
  { label: 'work', zh: '工作' },
];
