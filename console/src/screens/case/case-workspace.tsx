import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Input, Modal, Result, Select, Space, Spin, Tag, Tooltip } from 'antd';
import { ArrowLeftOutlined, FileProtectOutlined, SwapOutlined, UndoOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { api, ifMatch, isProblem } from '../../api/http';
import { invalidateCase, keys, useAgents, useCase, useEvidence, useMachine, useOpenApi, useReasons, useTimeline } from '../../api/queries';
import type { CaseView, QueueItem } from '../../api/types';
import { problemText } from '../../i18n';
import { useShortcut } from '../../keyboard/keyboard';
import type { Finding } from '../../lib/guard-offsets';
import { useLiveVersion } from '../../live/stream';
import { useSession } from '../../shell/session';
import { stateLabel } from '../../ui/labels';
import { confirm, message } from '../../ui/feedback';
import { ActionPanel } from './action-panel';
import { CaseFacts, Deadlines, PlaybookStepper } from './case-facts';
import { eventForms } from './event-forms';
import { EvidencePanel, type EvidenceHandle } from './evidence-panel';
import { CaseTimeline } from './timeline';

const DossierPreview = lazy(() => import('./dossier'));

/** The queue as last loaded (any filters), for Alt+J/Alt+K and "send and next". */
function queueNeighbours(client: ReturnType<typeof useQueryClient>, caseId: string): { prev?: string; next?: string; firstOther?: string } {
  const lists = client.getQueriesData<QueueItem[]>({ queryKey: keys.queueAll });
  const items = lists.find(([, data]) => data?.some((i) => i.caseId === caseId))?.[1] ?? lists[0]?.[1] ?? [];
  const index = items.findIndex((i) => i.caseId === caseId);
  return {
    prev: index > 0 ? items[index - 1].caseId : undefined,
    next: index >= 0 && index < items.length - 1 ? items[index + 1].caseId : undefined,
    firstOther: items.find((i) => i.caseId !== caseId)?.caseId,
  };
}

export default function CaseWorkspace() {
  const { caseId = '' } = useParams();
  return <Workspace key={caseId} caseId={caseId} />;
}

function Workspace({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const session = useSession();
  const navigate = useNavigate();
  const client = useQueryClient();
  const caseQuery = useCase(caseId);
  const timeline = useTimeline(caseId);
  const evidence = useEvidence(caseId);
  const machine = useMachine();
  const reasons = useReasons();
  const openapi = useOpenApi();
  const agents = useAgents(session.shop.id);
  const liveVersion = useLiveVersion(caseId);
  const evidenceRef = useRef<EvidenceHandle>(null);
  const [baseVersion, setBaseVersion] = useState<number | null>(null);
  const [seenSeq, setSeenSeq] = useState<number | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [serverFindings, setServerFindings] = useState<Finding[] | null>(null);
  const [transferOpen, setTransferOpen] = useState(false);
  const [dossierOpen, setDossierOpen] = useState(false);

  const view = caseQuery.data;
  useEffect(() => {
    if (view && baseVersion === null) setBaseVersion(view.version);
  }, [view, baseVersion]);
  useEffect(() => {
    if (timeline.data && seenSeq === null) setSeenSeq(timeline.data.at(-1)?.seq ?? 0);
  }, [timeline.data, seenSeq]);

  const forms = useMemo(() => eventForms(openapi.data), [openapi.data]);
  const agentEvents = useMemo(() => new Set((machine.data?.events ?? []).filter((e) => e.source === 'agent').map((e) => e.type as string)), [machine.data]);
  const canAct = session.agent.role !== 'auditor';
  const events = view && canAct ? view.allowedEvents.filter((e) => agentEvents.has(e)) : [];
  const mine = view?.assigneeId === session.agent.id;
  const currentVersion = Math.max(view?.version ?? 0, liveVersion ?? 0);
  const updatedElsewhere = baseVersion !== null && currentVersion > baseVersion;

  const changesSinceSeen = () =>
    (timeline.data ?? [])
      .filter((e) => seenSeq !== null && e.seq > seenSeq)
      .map((e) => t(`event.${e.type}`, { defaultValue: e.type }))
      .join('、');

  const acknowledge = () => {
    setBaseVersion(currentVersion);
    setSeenSeq(timeline.data?.at(-1)?.seq ?? seenSeq);
    setConflict(null);
  };

  const afterChange = (next: CaseView) => {
    client.setQueryData(keys.case(caseId), next);
    invalidateCase(client, caseId);
    void client.invalidateQueries({ queryKey: keys.queueAll });
    void client.invalidateQueries({ queryKey: keys.counts });
    void client.invalidateQueries({ queryKey: keys.bootstrap });
    setBaseVersion(next.version);
    void client.fetchQuery({ queryKey: keys.timeline(caseId), queryFn: () => api(`/v1/cases/${caseId}/events`) }).then((entries) => {
      const list = entries as Array<{ seq: number }>;
      setSeenSeq(list.at(-1)?.seq ?? 0);
    });
  };

  const send = async (payload: Record<string, unknown>, andNext: boolean): Promise<boolean> => {
    if (!view || baseVersion === null) return false;
    setSending(true);
    setServerFindings(null);
    try {
      const next = await api<CaseView>(`/v1/cases/${caseId}/events`, { body: payload, headers: ifMatch(baseVersion) });
      afterChange(next);
      setConflict(null);
      message.success(t('case.sent', { event: t(`event.${String(payload.type)}`) }));
      if (andNext) {
        const { next: nextId, firstOther } = queueNeighbours(client, caseId);
        if (nextId ?? firstOther) navigate(`/cases/${nextId ?? firstOther}`);
      }
      return true;
    } catch (error) {
      if (isProblem(error, 'VERSION_MISMATCH')) {
        // Keep the draft; show what changed and let the agent decide with the new facts.
        await Promise.all([caseQuery.refetch(), timeline.refetch()]);
        const changed = (client.getQueryData<Array<{ seq: number; type: string }>>(keys.timeline(caseId)) ?? [])
          .filter((e) => seenSeq !== null && e.seq > seenSeq)
          .map((e) => t(`event.${e.type}`, { defaultValue: e.type }))
          .join('、');
        setConflict(t('case.conflict', { changes: changed || '—' }));
      } else if (isProblem(error, 'EVENT_NOT_ALLOWED')) {
        await caseQuery.refetch();
        message.warning(t('case.notAllowed'));
      } else if (isProblem(error, 'REPLY_BLOCKED')) {
        const findings = (error.problem.findings ?? (error.problem as { guard?: { findings?: Finding[] } }).guard?.findings) as Finding[] | undefined;
        if (findings) setServerFindings(findings);
        message.error(problemText(error));
      } else {
        message.error(problemText(error));
      }
      return false;
    } finally {
      setSending(false);
    }
  };

  const assign = async (agentId: string | null, note?: string) => {
    if (!view) return;
    try {
      const next = await api<CaseView>(`/v1/cases/${caseId}/assignee`, {
        method: 'PUT',
        body: note ? { agentId, note } : { agentId },
        headers: ifMatch(baseVersion ?? view.version),
      });
      afterChange(next);
      if (agentId === null) {
        message.success(t('case.released'));
        navigate('/queue');
      } else {
        message.success(t('case.transferred', { name: agents.data?.find((a) => a.id === agentId)?.displayName ?? '' }));
        setTransferOpen(false);
      }
    } catch (error) {
      if (isProblem(error, 'VERSION_MISMATCH')) await caseQuery.refetch();
      message.error(problemText(error));
    }
  };

  const release = () =>
    confirm({
      title: t('case.release'),
      okText: t('common.confirm'),
      cancelText: t('common.cancel'),
      onOk: () => assign(null),
    });

  useShortcut('case.back', () => navigate('/queue'));
  useShortcut('case.nextCase', () => {
    const { next } = queueNeighbours(client, caseId);
    if (next) navigate(`/cases/${next}`);
  });
  useShortcut('case.prevCase', () => {
    const { prev } = queueNeighbours(client, caseId);
    if (prev) navigate(`/cases/${prev}`);
  });
  useShortcut('case.transfer', () => setTransferOpen(true), mine);
  useShortcut('case.release', release, mine);
  useShortcut('case.upload', () => evidenceRef.current?.chooseFile());
  useShortcut('case.dossier', () => setDossierOpen(true));

  if (caseQuery.isPending) {
    return (
      <div className="page-loading">
        <Spin tip={t('case.loading')}>
          <div style={{ height: 40 }} />
        </Spin>
      </div>
    );
  }
  if (!view) {
    return (
      <Result
        status="404"
        title={isProblem(caseQuery.error, 'CASE_NOT_FOUND') ? t('case.notFound') : problemText(caseQuery.error)}
        extra={<Button onClick={() => navigate('/queue')}>{t('case.back')}</Button>}
      />
    );
  }

  const assigneeName = view.assigneeId ? (agents.data?.find((a) => a.id === view.assigneeId)?.displayName ?? '…') : t('queue.unassigned');

  return (
    <div className="case-page">
      <div className="case-head">
        <Tooltip title="Esc">
          <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate('/queue')} aria-label={t('case.back')} />
        </Tooltip>
        <h1 data-testid="case-title">{view.platformCaseId}</h1>
        <Tag>{t(`caseType.${view.type}`)}</Tag>
        <Tag color={view.status === 'archived' ? 'default' : 'processing'} data-testid="case-state">
          {view.status === 'archived' ? `${t('state.archived')} · ${view.outcome ? t(`outcome.${view.outcome}`) : ''}` : stateLabel(t, view.state)}
        </Tag>
        {view.disputed && <Tag color="red">{t('intervened')}</Tag>}
        <span className="muted small">
          {t('case.assignee')}: <span data-testid="case-assignee">{assigneeName}</span>
        </span>
        <Space className="case-head-actions">
          {mine && (
            <>
              <Button icon={<SwapOutlined />} onClick={() => setTransferOpen(true)} data-testid="transfer">
                {t('case.transfer')}
              </Button>
              <Button icon={<UndoOutlined />} onClick={release} data-testid="release">
                {t('case.release')}
              </Button>
            </>
          )}
          <Button icon={<FileProtectOutlined />} onClick={() => setDossierOpen(true)} data-testid="dossier-open">
            {t('dossier.heading')}
          </Button>
        </Space>
      </div>
      <PlaybookStepper view={view} />
      {updatedElsewhere && !conflict && (
        <Alert
          type="warning"
          showIcon
          data-testid="updated-banner"
          title={t('case.updatedBanner', { from: baseVersion, to: currentVersion })}
          description={changesSinceSeen() || undefined}
          action={
            <Button size="small" onClick={acknowledge} data-testid="acknowledge-update">
              {t('case.reload')}
            </Button>
          }
        />
      )}
      {conflict && (
        <Alert
          type="error"
          showIcon
          data-testid="conflict-banner"
          title={conflict}
          action={
            <Button size="small" onClick={acknowledge} data-testid="acknowledge-update">
              {t('case.reload')}
            </Button>
          }
        />
      )}
      <div className="case-columns">
        <div className="case-left">
          <Deadlines view={view} />
          <CaseFacts view={view} reasons={reasons.data} />
          <EvidencePanel ref={evidenceRef} caseId={caseId} evidence={evidence.data} canUpload={canAct && view.status !== 'archived'} />
          <CaseTimeline events={timeline.data} agents={agents.data} currency={view.currency} />
        </div>
        <div className="case-right">
          <ActionPanel
            caseView={view}
            events={events}
            forms={forms}
            reasons={reasons.data}
            evidence={evidence.data}
            sending={sending}
            serverFindings={serverFindings}
            onSend={send}
          />
        </div>
      </div>
      {transferOpen && <TransferDialog onClose={() => setTransferOpen(false)} onTransfer={(id, note) => assign(id, note)} currentId={view.assigneeId} />}
      {dossierOpen && (
        <Suspense>
          <DossierPreview view={view} events={timeline.data} evidence={evidence.data} onClose={() => setDossierOpen(false)} />
        </Suspense>
      )}
    </div>
  );
}

function TransferDialog({
  onClose,
  onTransfer,
  currentId,
}: {
  onClose(): void;
  onTransfer(id: string, note?: string): Promise<void>;
  currentId: string | null;
}) {
  const { t } = useTranslation();
  const session = useSession();
  const agents = useAgents(session.shop.id);
  const [to, setTo] = useState<string>();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const options = (agents.data ?? [])
    .filter((a) => a.active && a.role !== 'auditor' && a.id !== currentId)
    .sort((a, b) => Number(b.presence === 'online') - Number(a.presence === 'online'))
    .map((a) => ({
      value: a.id,
      disabled: a.presence !== 'online',
      label: `${a.displayName} · ${t(`presence.${a.presence}`)}${a.maxOpenCases !== null ? ` · max ${a.maxOpenCases}` : ''}`,
    }));
  return (
    <Modal
      open
      title={t('case.transfer')}
      onCancel={onClose}
      okText={t('case.transfer')}
      cancelText={t('common.cancel')}
      okButtonProps={{ disabled: !to, loading: busy, ...({ 'data-testid': 'transfer-confirm' } as Record<string, string>) }}
      onOk={async () => {
        if (!to) return;
        setBusy(true);
        await onTransfer(to, note.trim() || undefined);
        setBusy(false);
      }}
    >
      <label htmlFor="transfer-to">{t('case.transferTo')}</label>
      <Select
        id="transfer-to"
        style={{ width: '100%', marginBottom: 12 }}
        value={to}
        onChange={setTo}
        options={options}
        loading={agents.isPending}
        data-testid="transfer-to"
      />
      <label htmlFor="transfer-note">{t('case.transferNote')}</label>
      <Input.TextArea id="transfer-note" value={note} onChange={(e) => setNote(e.target.value)} autoSize={{ minRows: 2 }} data-testid="transfer-note" />
    </Modal>
  );
}
