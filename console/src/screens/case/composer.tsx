import { forwardRef, useEffect, useImperativeHandle, useMemo, useRef, useState } from 'react';
import { Button, Input, List, Modal, Tag, Typography } from 'antd';
import { MessageOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/http';
import { useCanned } from '../../api/queries';
import type { CaseView, GuardAssessment, RenderedReply } from '../../api/types';
import { problemText } from '../../i18n';
import { remapFindings, segmentsOf, type Finding } from '../../lib/guard-offsets';

export interface ComposerHandle {
  focus(): void;
  openCanned(): void;
}

interface Props {
  caseView: CaseView;
  step: string;
  value: string;
  onChange(text: string): void;
  findings: Finding[];
  onFindings(findings: Finding[]): void;
  label: string;
}

/**
 * The reply to the buyer. The guard runs while typing (debounced, aborted when superseded) and its
 * findings are highlighted at their UTF-16 offsets in a mirror layer behind the transparent textarea.
 * Enter is a newline (and confirms IME candidates); only Ctrl+Enter submits, handled by the action panel.
 */
export const Composer = forwardRef<ComposerHandle, Props>(function Composer({ caseView, step, value, onChange, findings, onFindings, label }, ref) {
  const { t } = useTranslation();
  const area = useRef<HTMLTextAreaElement>(null);
  const mirror = useRef<HTMLDivElement>(null);
  const checkedText = useRef(value);
  const [checking, setChecking] = useState(false);
  const [cannedOpen, setCannedOpen] = useState(false);
  const [unresolved, setUnresolved] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);

  useImperativeHandle(ref, () => ({ focus: () => area.current?.focus(), openCanned: () => setCannedOpen(true) }), []);

  useEffect(() => {
    if (!value.trim()) {
      onFindings([]);
      checkedText.current = value;
      return;
    }
    // Keep the highlights on their words until the next answer arrives.
    onFindings(remapFindings(findings, checkedText.current, value));
    checkedText.current = value;
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      setChecking(true);
      api<GuardAssessment>('/v1/replies/check', { body: { text: value.slice(0, 4000), caseId: caseView.id }, signal: controller.signal })
        .then((result) => {
          checkedText.current = value;
          onFindings(result.findings);
          setError(null);
        })
        .catch((e: unknown) => {
          if (!controller.signal.aborted) setError(problemText(e));
        })
        .finally(() => !controller.signal.aborted && setChecking(false));
    }, 250);
    return () => {
      controller.abort();
      window.clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- findings are an output of this effect
  }, [value, caseView.id]);

  const segments = useMemo(() => segmentsOf(value, findings), [value, findings]);

  const insertAtCursor = (text: string) => {
    const el = area.current;
    const start = el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? value.length;
    // A trigger typed at the start of a line (`/` or `、`) is replaced by the reply.
    const lineStart = value.lastIndexOf('\n', start - 1) + 1;
    const trigger = value.slice(lineStart, start);
    const from = trigger === '/' || trigger === '、' ? lineStart : start;
    const next = value.slice(0, from) + text + value.slice(end);
    onChange(next);
    window.setTimeout(() => {
      el?.focus();
      const caret = from + text.length;
      el?.setSelectionRange(caret, caret);
    }, 0);
  };

  return (
    <div className="composer">
      <div className="composer-head">
        <label htmlFor="composer-input" className="composer-label">
          {label}
        </label>
        <Button size="small" type="text" icon={<MessageOutlined />} onClick={() => setCannedOpen(true)} data-testid="canned-open">
          {t('composer.canned')} <kbd>Ctrl+/</kbd>
        </Button>
      </div>
      <div className="composer-box">
        <div className="composer-mirror" ref={mirror} aria-hidden>
          {segments.map((segment, i) =>
            segment.finding ? (
              <mark key={i} className={`finding-${segment.finding.severity}`}>
                {segment.text}
              </mark>
            ) : (
              <span key={i}>{segment.text}</span>
            ),
          )}
          {'\n'}
        </div>
        <textarea
          id="composer-input"
          ref={area}
          className="composer-input"
          data-testid="composer"
          value={value}
          placeholder={t('composer.placeholder')}
          spellCheck={false}
          rows={5}
          aria-describedby="composer-findings"
          onScroll={(e) => {
            if (mirror.current) mirror.current.scrollTop = e.currentTarget.scrollTop;
          }}
          onChange={(e) => {
            const next = e.target.value;
            onChange(next);
            const caret = e.target.selectionStart;
            const lineStart = next.lastIndexOf('\n', caret - 1) + 1;
            const typed = next.slice(lineStart, caret);
            const native = e.nativeEvent as InputEvent;
            if ((typed === '/' || typed === '、') && !native.isComposing) setCannedOpen(true);
          }}
        />
      </div>
      <div id="composer-findings" className="composer-findings" data-testid="guard-findings" aria-live="polite">
        {checking ? (
          <Typography.Text type="secondary">{t('composer.checking')}</Typography.Text>
        ) : error ? (
          <Typography.Text type="danger">{error}</Typography.Text>
        ) : findings.length === 0 ? (
          value.trim() && <Typography.Text type="success">{t('composer.clean')}</Typography.Text>
        ) : (
          <ul>
            {findings.map((f) => (
              <li key={`${f.rule}-${f.start}`} data-testid="guard-finding" data-severity={f.severity} data-rule={f.rule}>
                <Tag color={f.severity === 'block' ? 'error' : 'warning'}>{f.severity === 'block' ? '×' : '!'}</Tag>
                <mark className={`finding-${f.severity}`}>{f.match}</mark> {f.message}
              </li>
            ))}
          </ul>
        )}
        {unresolved.length > 0 && (
          <Typography.Text type="warning" data-testid="unresolved">
            {t('composer.unresolved', { names: unresolved.map((n) => `{${n}}`).join(' ') })}
          </Typography.Text>
        )}
      </div>
      {cannedOpen && (
        <CannedPicker
          caseView={caseView}
          step={step}
          onClose={() => {
            setCannedOpen(false);
            area.current?.focus();
          }}
          onPick={(rendered) => {
            setCannedOpen(false);
            setUnresolved(rendered.unresolved);
            insertAtCursor(rendered.text);
          }}
        />
      )}
    </div>
  );
});

function CannedPicker({ caseView, step, onClose, onPick }: { caseView: CaseView; step: string; onClose(): void; onPick(r: RenderedReply): void }) {
  const { t } = useTranslation();
  const canned = useCanned(undefined, caseView.type);
  const [q, setQ] = useState('');
  const [active, setActive] = useState(0);
  const [preview, setPreview] = useState<RenderedReply | null>(null);
  const list = useMemo(() => {
    const all = canned.data ?? [];
    const filtered = all.filter((r) => !q || r.title.includes(q) || r.body.includes(q));
    // This step's replies first.
    return [...filtered.filter((r) => r.step === step), ...filtered.filter((r) => r.step !== step)];
  }, [canned.data, q, step]);
  const current = list[active];

  useEffect(() => {
    if (!current) return setPreview(null);
    const controller = new AbortController();
    api<RenderedReply>(`/v1/cases/${caseView.id}/replies/render`, { body: { cannedReplyId: current.id }, signal: controller.signal }).then(
      setPreview,
      () => undefined,
    );
    return () => controller.abort();
  }, [current, caseView.id]);

  return (
    <Modal open title={t('composer.canned')} onCancel={onClose} footer={null} width={720} destroyOnHidden>
      <Input
        autoFocus
        value={q}
        placeholder={t('composer.cannedSearch')}
        aria-label={t('composer.cannedSearch')}
        data-testid="canned-search"
        onChange={(e) => {
          setQ(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.nativeEvent.isComposing || e.keyCode === 229) return;
          if (e.key === 'ArrowDown') setActive((i) => Math.min(i + 1, list.length - 1));
          else if (e.key === 'ArrowUp') setActive((i) => Math.max(i - 1, 0));
          else if (e.key === 'Enter' && preview) onPick(preview);
        }}
      />
      <div className="canned-grid">
        <List
          size="small"
          loading={canned.isPending}
          dataSource={list}
          renderItem={(item, index) => (
            <List.Item
              className={index === active ? 'canned-item active' : 'canned-item'}
              onClick={() => setActive(index)}
              onDoubleClick={() => preview && onPick(preview)}
              data-testid="canned-item"
            >
              <span>
                <Tag>{t(`step.${item.step}`, { defaultValue: item.step })}</Tag>
                {item.title}
              </span>
            </List.Item>
          )}
        />
        <div className="canned-preview" data-testid="canned-preview">
          {preview && (
            <>
              <p className="canned-text">{preview.text}</p>
              {preview.unresolved.length > 0 && (
                <Typography.Text type="warning">{t('composer.unresolved', { names: preview.unresolved.map((n) => `{${n}}`).join(' ') })}</Typography.Text>
              )}
              {preview.findings.map((f) => (
                <div key={`${f.rule}-${f.start}`}>
                  <Tag color={f.severity === 'block' ? 'error' : 'warning'}>{f.match}</Tag> {f.message}
                </div>
              ))}
              <Button type="primary" onClick={() => onPick(preview)} data-testid="canned-insert">
                {t('composer.insert')}
              </Button>
            </>
          )}
        </div>
      </div>
    </Modal>
  );
}
