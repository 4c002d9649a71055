import { useRef } from 'react';
import { Button, Form, Input, Select, Table, Tag, type InputRef } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useCaseSearch } from '../api/queries';
import type { CaseView } from '../api/types';
import { localeOf, problemText } from '../i18n';
import { useShortcut } from '../keyboard/keyboard';
import { formatMoney } from '../lib/money';
import { formatInZone } from '../lib/time';
import { useSession } from '../shell/session';
import { stateLabel } from '../ui/labels';

const FIELDS = ['platformCaseId', 'orderId', 'buyer', 'state', 'type'] as const;
const STATES = ['open', 'awaitingBuyer', 'negotiating', 'followUp', 'dispute', 'archived'];
const TYPES = ['refund', 'return', 'exchange', 'complaint'];

/** Any case, archived included, by platform case id, order id, buyer, state or type; the query lives in the URL. */
export default function CaseSearch() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [form] = Form.useForm();
  const first = useRef<InputRef>(null);
  const filters = Object.fromEntries(FIELDS.map((k) => [k, params.get(k) ?? undefined]));
  const hasFilters = FIELDS.some((k) => filters[k]);
  const result = useCaseSearch(filters, true);
  const locale = localeOf(i18n.language);

  useShortcut('search.focus', () => first.current?.focus());

  const submit = (values: Record<string, string | undefined>) => {
    const next = new URLSearchParams();
    for (const key of FIELDS) if (values[key]?.trim()) next.set(key, values[key]!.trim());
    setParams(next);
  };

  return (
    <div className="search-page">
      <div className="page-head">
        <h1>{t('search.heading')}</h1>
      </div>
      <Form form={form} layout="inline" initialValues={filters} onFinish={submit} className="search-form" role="search">
        <Form.Item name="platformCaseId" label={t('search.platformCaseId')}>
          <Input ref={first} allowClear data-testid="search-platform-case-id" />
        </Form.Item>
        <Form.Item name="orderId" label={t('search.orderId')}>
          <Input allowClear data-testid="search-order-id" />
        </Form.Item>
        <Form.Item name="buyer" label={t('search.buyer')}>
          <Input allowClear data-testid="search-buyer" />
        </Form.Item>
        <Form.Item name="state" label={t('search.state')}>
          <Select allowClear style={{ width: 140 }} options={STATES.map((s) => ({ value: s, label: t(`state.${s}`) }))} data-testid="search-state" />
        </Form.Item>
        <Form.Item name="type" label={t('search.type')}>
          <Select allowClear style={{ width: 130 }} options={TYPES.map((s) => ({ value: s, label: t(`caseType.${s}`) }))} data-testid="search-type" />
        </Form.Item>
        <Button type="primary" htmlType="submit" data-testid="search-submit">
          {t('search.submit')}
        </Button>
        {hasFilters && (
          <Button
            type="link"
            onClick={() => {
              form.resetFields();
              setParams(new URLSearchParams());
            }}
          >
            {t('search.reset')}
          </Button>
        )}
      </Form>
      {result.isError && <p className="error-text">{problemText(result.error)}</p>}
      <Table<CaseView>
        size="middle"
        rowKey="id"
        loading={result.isFetching}
        dataSource={result.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: t('search.empty') }}
        onRow={(record) =>
          ({
            'data-case-id': record.id,
            'data-testid': 'search-row',
            'onDoubleClick': () => navigate(`/cases/${record.id}`),
          }) as React.HTMLAttributes<HTMLElement>
        }
        columns={[
          { title: t('search.platformCaseId'), dataIndex: 'platformCaseId', render: (v: string, r) => <Link to={`/cases/${r.id}`}>{v}</Link> },
          { title: t('search.orderId'), render: (_, r) => r.order?.orderId ?? '—' },
          { title: t('search.type'), dataIndex: 'type', render: (v: string) => <Tag>{t(`caseType.${v}`)}</Tag> },
          {
            title: t('search.state'),
            render: (_, r) => (r.status === 'archived' ? `${t('state.archived')} · ${r.outcome ? t(`outcome.${r.outcome}`) : ''}` : stateLabel(t, r.state)),
          },
          { title: t('search.buyer'), render: (_, r) => r.buyer?.nickname ?? '—' },
          { title: t('queue.col.amount'), align: 'right', render: (_, r) => formatMoney(r.amounts.requested, r.currency, locale) },
          { title: t('search.opened'), render: (_, r) => formatInZone(r.openedAt, session.shop.timezone, locale) },
        ]}
      />
    </div>
  );
}
