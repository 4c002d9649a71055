import { forwardRef, useImperativeHandle, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Image, Progress, Select, Space, Tag } from 'antd';
import { CheckCircleFilled, ExclamationCircleOutlined, InboxOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { problemOf, ApiProblem } from '../../api/http';
import { invalidateCase } from '../../api/queries';
import type { EvidenceList } from '../../api/types';
import { problemText } from '../../i18n';
import { message } from '../../ui/feedback';

const KINDS = ['photo', 'video', 'courier_stamp', 'signed_receipt', 'chat_log', 'invoice', 'inspection_report', 'other'];
const PARTIES = ['merchant', 'buyer', 'carrier', 'platform'];

export interface EvidenceHandle {
  chooseFile(): void;
}

/** Upload with progress: XMLHttpRequest reports upload progress, fetch does not. The cookie authenticates. */
function upload(caseId: string, file: File, fields: Record<string, string>, onProgress: (p: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const body = new FormData();
    for (const [k, v] of Object.entries(fields)) body.append(k, v);
    body.append('file', file);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/v1/cases/${caseId}/evidence`);
    xhr.setRequestHeader('accept', 'application/json, application/problem+json');
    xhr.setRequestHeader('idempotency-key', crypto.randomUUID());
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((100 * e.loaded) / e.total));
    xhr.onload = async () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      reject(new ApiProblem(await problemOf(new Response(xhr.responseText, { status: xhr.status }))));
    };
    xhr.onerror = () => reject(new TypeError('network'));
    xhr.send(body);
  });
}

export const EvidencePanel = forwardRef<EvidenceHandle, { caseId: string; evidence: EvidenceList | undefined; canUpload: boolean }>(function EvidencePanel(
  { caseId, evidence, canUpload },
  ref,
) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const missing = evidence?.checklist.find((c) => !c.provided)?.kind;
  const [kind, setKind] = useState<string | undefined>(undefined);
  const [party, setParty] = useState('merchant');
  const [progress, setProgress] = useState<{ name: string; percent: number } | null>(null);
  const [dragging, setDragging] = useState(false);
  const chosenKind = kind ?? missing ?? 'photo';

  useImperativeHandle(ref, () => ({ chooseFile: () => input.current?.click() }), []);

  const send = async (files: FileList | null) => {
    if (!files) return;
    for (const file of Array.from(files)) {
      setProgress({ name: file.name, percent: 0 });
      try {
        await upload(caseId, file, { party, kind: chosenKind }, (percent) => setProgress({ name: file.name, percent }));
        message.success(t('case.uploaded', { name: file.name }));
      } catch (error) {
        message.error(`${file.name}: ${problemText(error)}`);
      }
    }
    setProgress(null);
    invalidateCase(client, caseId);
    if (input.current) input.current.value = '';
  };

  return (
    <section className="panel" aria-labelledby="evidence-heading">
      <h2 id="evidence-heading">{t('case.evidence')}</h2>
      {evidence && evidence.checklist.length > 0 && (
        <div className="checklist" aria-label={t('case.checklist')}>
          <span className="muted small">{t('case.checklist')}</span>
          <ul>
            {evidence.checklist.map((item) => (
              <li key={item.kind} data-testid={`checklist-${item.kind}`} data-provided={item.provided}>
                {item.provided ? <CheckCircleFilled className="ok-icon" /> : <ExclamationCircleOutlined className="warn-icon" />}{' '}
                {t(`evidenceKind.${item.kind}`, { defaultValue: item.kind })}
                {item.count > 0 && <span className="muted small"> ×{item.count}</span>}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="evidence-grid">
        {(evidence?.items ?? []).length === 0 && <p className="muted">{t('case.noEvidence')}</p>}
        <Image.PreviewGroup>
          {(evidence?.items ?? []).map((item) => (
            <figure key={item.id} className="evidence-item" data-testid="evidence-item">
              {item.contentType.startsWith('image/') ? (
                <Image src={item.downloadUrl} alt={item.filename} width={96} height={96} style={{ objectFit: 'cover' }} />
              ) : (
                <a className="evidence-file" href={item.downloadUrl}>
                  {item.filename.split('.').pop()?.toUpperCase()}
                </a>
              )}
              <figcaption>
                <Tag className="tag-small">{t(`evidenceKind.${item.kind}`, { defaultValue: item.kind })}</Tag>
                <span className="small ellipsis" title={item.filename}>
                  {item.filename}
                </span>
                {item.submitted && (
                  <Tag color="success" className="tag-small">
                    {t('case.submitted')}
                  </Tag>
                )}
              </figcaption>
            </figure>
          ))}
        </Image.PreviewGroup>
      </div>
      {canUpload && (
        <>
          <Space className="upload-options" wrap>
            <label className="small" htmlFor="upload-kind">
              {t('case.uploadKind')}
            </label>
            <Select
              id="upload-kind"
              size="small"
              value={chosenKind}
              onChange={setKind}
              options={KINDS.map((k) => ({ value: k, label: t(`evidenceKind.${k}`) }))}
              style={{ width: 120 }}
              data-testid="upload-kind"
            />
            <label className="small" htmlFor="upload-party">
              {t('case.uploadParty')}
            </label>
            <Select
              id="upload-party"
              size="small"
              value={party}
              onChange={setParty}
              options={PARTIES.map((k) => ({ value: k, label: t(`party.${k}`) }))}
              style={{ width: 100 }}
              data-testid="upload-party"
            />
          </Space>
          <div
            className={`dropzone${dragging ? ' dragging' : ''}`}
            data-testid="dropzone"
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={(e) => {
              e.preventDefault();
              setDragging(false);
              void send(e.dataTransfer.files);
            }}
            onClick={() => input.current?.click()}
            onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && input.current?.click()}
            role="button"
            tabIndex={0}
            aria-label={t('case.upload')}
          >
            <InboxOutlined aria-hidden /> {t('case.uploadHint')}
            <input
              ref={input}
              type="file"
              multiple
              hidden
              onChange={(e) => void send(e.target.files)}
              data-testid="upload-input"
              aria-label={t('case.upload')}
            />
          </div>
          {progress && (
            <div data-testid="upload-progress">
              <span className="small">{t('case.uploading', { name: progress.name })}</span>
              <Progress percent={progress.percent} size="small" />
            </div>
          )}
        </>
      )}
    </section>
  );
});
