import { describe, expect, it } from 'vitest';
import { findSignals, isAutomated, ownText, sentences } from '../../server/mail/reportSignals.ts';

describe('findSignals', () => {
  it('finds English deadlines, requests and questions', () => {
    expect(findSignals('Hi,\n\nPlease send the revised numbers by Friday 14:00. Thanks!')).toEqual({
      deadlines: ['Please send the revised numbers by Friday 14:00.'],
      actions: [],
      asks: true,
    });
    expect(findSignals('Can you add your feedback by end of day?').deadlines).toHaveLength(1);
    expect(findSignals('I need the list by November 24 to reply.').deadlines).toHaveLength(1);
    expect(findSignals('Could you leave comments on the doc?')).toMatchObject({ deadlines: [], actions: ['Could you leave comments on the doc?'] });
    expect(findSignals('Would Tuesday work for a call?')).toEqual({ deadlines: [], actions: [], asks: true });
    expect(findSignals('FYI: the numbers are final. Great work.')).toEqual({ deadlines: [], actions: [], asks: false });
    expect(findSignals('Please welcome our new colleagues!').asks).toBe(false);
  });

  it('finds Chinese deadlines and requests', () => {
    expect(findSignals('李伟你好：\n\n请在周三前确认以下两项：\n1. 外包合同是否续签；').deadlines).toEqual(['请在周三前确认以下两项：']);
    expect(findSignals('请各部门于11月30日之前提交预算初稿。').deadlines).toHaveLength(1);
    expect(findSignals('本月报销截止日期为11月28日。').deadlines).toHaveLength(1);
    expect(findSignals('麻烦评估一下。').actions).toEqual(['麻烦评估一下。']);
    expect(findSignals('你倾向哪个？').asks).toBe(true);
    expect(findSignals('你能来吗').asks).toBe(true);
  });

  it('does not mistake 前端 for a deadline or 申请 for a request', () => {
    expect(findSignals('周五前端联调完成了。')).toEqual({ deadlines: [], actions: [], asks: false });
    expect(findSignals('采购申请已经通过。')).toEqual({ deadlines: [], actions: [], asks: false });
  });

  it('ignores quoted replies and signatures', () => {
    const body = 'Done, thanks.\n\nAlex\n\nOn Mon, 2 Nov 2026 at 10:00, Li Wei <li.wei@x> wrote:\n> Please send it by Friday?';
    expect(ownText(body)).toBe('Done, thanks.\n\nAlex');
    expect(findSignals(body).asks).toBe(false);
    expect(findSignals('好的。\n\n在 2026年11月2日 10:00，李伟 <li.wei@x> 写道：\n> 请在周三前确认。').asks).toBe(false);
    expect(findSignals('Noted.\n-- \nLi Wei\nPlease consider the environment before printing?').asks).toBe(false);
    expect(findSignals('Noted.\n> Can you check?').asks).toBe(false);
  });

  it('keeps list markers with their item', () => {
    expect(sentences('Priorities:\n1. Reliability first. Then speed.\n2) Onboarding')).toEqual([
      'Priorities:',
      '1. Reliability first.',
      'Then speed.',
      '2) Onboarding',
    ]);
  });
});

describe('isAutomated', () => {
  it('recognises newsletters, notifications and machine senders', () => {
    expect(isAutomated({ fromAddress: 'li.wei@northwind.example', labels: ['inbox'] })).toBe(false);
    expect(isAutomated({ fromAddress: 'digest@x.example', labels: ['newsletter'] })).toBe(true);
    expect(isAutomated({ fromAddress: 'no-reply@shop.example', labels: [] })).toBe(true);
    expect(isAutomated({ fromAddress: 'ci-noreply@northwind.example', labels: [] })).toBe(true);
    expect(isAutomated({ fromAddress: 'notifications@github.example', labels: [] })).toBe(true);
  });
});
