import { useEffect, useState } from 'react';
import { Alert, Button, Modal, Spin, Table } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { AuditEventView, CaseView, EvidenceList } from '../../api/types';
import { verifyChain, type ChainCheck } from '../../lib/hash-chain';

/** What the platform will see, with the hash chain recomputed here in the browser before downloading. */
export default function DossierPreview({
  view,
  events,
  evidence,
  onClose,
}: {
  view: CaseView;
  events: AuditEventView[] | undefined;
  evidence: EvidenceList | undefined;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const [check, setCheck] = useState<ChainCheck | null>(null);

  useEffect(() => {
    if (!events) return;
    let cancelled = false;
    void verifyChain(events, { shopId: view.shopId, caseId: view.id }).then((result) => !cancelled && setCheck(result));
    return () => {
      cancelled = true;
    };
  }, [events, view.shopId, view.id]);

  const reasonText = (reason: string) => t(`dossier.reason${reason[0].toUpperCase()}${reason.slice(1)}`);

  return (
    <Modal open title={`${t('dossier.heading')} · ${view.platformCaseId}`} onCancel={onClose} width={760} footer={null}>
      <div data-testid="dossier-chain" data-status={check ? (check.intact ? 'intact' : 'broken') : 'checking'}>
        {!check ? (
          <Spin tip={t('dossier.checking')}>
            <div style={{ height: 48 }} />
          </Spin>
        ) : check.intact ? (
          <Alert type="success" showIcon title={t('dossier.intact', { n: check.count, head: check.head.slice(0, 12) })} />
        ) : (
          <Alert type="error" showIcon title={t('dossier.broken', { seq: check.firstBroken!.seq, reason: reasonText(check.firstBroken!.reason) })} />
        )}
      </div>
      <p className="muted small" style={{ marginTop: 12 }}>
        {t('dossier.files', { n: evidence?.items.length ?? 0 })}
      </p>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={evidence?.items ?? []}
        columns={[
          { title: t('case.uploadKind'), dataIndex: 'kind', render: (k: string) => t(`evidenceKind.${k}`, { defaultValue: k }) },
          { title: 'File', dataIndex: 'filename' },
          { title: 'sha256', dataIndex: 'sha256', render: (s: string) => <code>{s.slice(0, 16)}…</code> },
        ]}
      />
      <div style={{ marginTop: 16, textAlign: 'right' }}>
        <Button type="primary" icon={<DownloadOutlined />} href={`/v1/cases/${view.id}/dossier`} download data-testid="dossier-download">
          {t('dossier.download')}
        </Button>
      </div>
    </Modal>
  );
}
