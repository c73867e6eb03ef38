import type { Transaction } from '@tessera/shared';
import { TRANSACTION_KINDS } from '@tessera/shared/constants';
import { describe, expect, it } from 'vitest';
import { LOCALES, tFor } from '../../i18n/testing.ts';
import { transactionDetail, transactionLabel } from './describe.ts';

function row(fields: Partial<Transaction>): Transaction {
  return {
    id: '1',
    kind: 'spend',
    amount: -100,
    balanceAfter: 900,
    description: null,
    endpoint: null,
    model: null,
    conversationId: null,
    messageId: null,
    inputTokens: null,
    outputTokens: null,
    cacheReadTokens: null,
    cacheWriteTokens: null,
    reasoningTokens: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...fields,
  };
}

const zh = tFor('zh-CN');

describe('a statement row', () => {
  it('is worded from its kind and fields, not from the English description', () => {
    const reply = row({ model: 'gpt-4o', conversationId: 'c', messageId: 'm', description: 'Reply' });
    expect([transactionLabel(reply, zh), transactionDetail(reply, zh)]).toEqual(['回复', 'gpt-4o']);
    const title = row({ model: 'gpt-4o', conversationId: 'c', description: 'Conversation title' });
    expect([transactionLabel(title, zh), transactionDetail(title, zh)]).toEqual(['会话标题', 'gpt-4o']);
    const api = row({ model: 'gpt-4o', description: 'API reply' });
    expect([transactionLabel(api, zh), transactionDetail(api, zh)]).toEqual(['API 回复', 'gpt-4o']);
    const interrupted = row({ model: 'gpt-4o', conversationId: 'c', messageId: 'm', description: 'Interrupted reply' });
    expect(transactionLabel(interrupted, zh)).toBe('回复');
    const claim = row({ kind: 'claim', amount: 20_000, description: 'Daily claim' });
    expect([transactionLabel(claim, zh), transactionDetail(claim, zh)]).toEqual(['每日领取', '']);
    const bought = row({ kind: 'purchase', amount: 5_000_000, description: 'Bought 5,000,000 credits' });
    expect([transactionLabel(bought, zh), transactionDetail(bought, zh)]).toEqual(['购买', '']);
    const refill = row({ kind: 'auto_refill', amount: 1_000, description: 'Automatic refill' });
    expect([transactionLabel(refill, zh), transactionDetail(refill, zh)]).toEqual(['自动充值', '']);
    const disputed = row({ kind: 'reversal', amount: -5_000, description: 'Disputed payment dp_123' });
    expect([transactionLabel(disputed, zh), transactionDetail(disputed, zh)]).toEqual(['冲正', '付款争议']);
    const refund = row({ kind: 'refund', amount: -5_000, description: 'Refund of 500 usd' });
    expect([transactionLabel(refund, zh), transactionDetail(refund, zh)]).toEqual(['退款', '']);
  });

  it('tells the start balance from a grant, and shows an administrator’s note as written', () => {
    const start = row({ kind: 'grant', amount: 50_000, description: 'Start balance' });
    expect([transactionLabel(start, zh), transactionDetail(start, zh)]).toEqual(['初始余额', '']);
    const granted = row({ kind: 'grant', amount: 1_000, description: 'Thanks for the bug report' });
    expect([transactionLabel(granted, zh), transactionDetail(granted, zh)]).toEqual([
      '赠送',
      'Thanks for the bug report',
    ]);
    const taken = row({ kind: 'admin_adjust', amount: -1_000, description: 'Refunded by hand' });
    expect(transactionDetail(taken, zh)).toBe('Refunded by hand');
  });

  it.each(Object.keys(LOCALES))('has words for every kind in %s', (language) => {
    const t = tFor(language);
    for (const kind of TRANSACTION_KINDS) {
      for (const fields of [{}, { conversationId: 'c' }, { description: 'Start balance' }]) {
        const text = transactionLabel(row({ kind, ...fields }), t) + transactionDetail(row({ kind, ...fields }), t);
        expect(text).not.toMatch(/credits\./);
      }
    }
  });
});
