import { useEffect, useMemo, useRef, useState } from 'react';
import { Empty, Input, Modal, Spin, type InputRef } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, query } from '../api/http';
import type { CaseView, Page } from '../api/types';
import { useKeyboard } from '../keyboard/keyboard';
import { SHORTCUTS } from '../keyboard/shortcuts';
import { displayKeys } from '../lib/keys';

interface Entry {
  key: string;
  title: string;
  hint: string;
  run: () => void;
}

/** Ctrl+K: jump to a case by platform case id or order id (the case search), or run a command from the shortcut table. */
export default function CommandPalette({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const keyboard = useKeyboard();
  const input = useRef<InputRef>(null);
  const [text, setText] = useState('');
  const [cases, setCases] = useState<CaseView[]>([]);
  const [loading, setLoading] = useState(false);
  const [active, setActive] = useState(0);

  useEffect(() => {
    const q = text.trim();
    if (q.length < 3) {
      setCases([]);
      return;
    }
    const controller = new AbortController();
    setLoading(true);
    const timer = window.setTimeout(() => {
      const by = (field: string) =>
        api<Page<CaseView>>(`/v1/cases${query({ [field]: q, limit: 5 })}`, { signal: controller.signal }).then(
          (p) => p.items,
          () => [],
        );
      void Promise.all([by('platformCaseId'), by('orderId')]).then(([a, b]) => {
        const seen = new Set<string>();
        setCases([...a, ...b].filter((c) => !seen.has(c.id) && seen.add(c.id)));
        setLoading(false);
        setActive(0);
      });
    }, 200);
    return () => {
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [text]);

  const entries = useMemo<Entry[]>(() => {
    const q = text.trim().toLowerCase();
    const caseEntries = cases.map((c) => ({
      key: c.id,
      title: `${c.platformCaseId}`,
      hint: `${t(`caseType.${c.type}`)} · ${c.order?.orderId ?? ''} · ${c.buyer?.nickname ?? ''}`,
      run: () => navigate(`/cases/${c.id}`),
    }));
    const commands = SHORTCUTS.filter((s) => s.palette && keyboard.has(s.id))
      .filter((s) => !q || t(s.label).toLowerCase().includes(q) || s.id.toLowerCase().includes(q))
      .map((s) => ({ key: s.id, title: t(s.label), hint: displayKeys(s.keys[0]).join(' '), run: () => keyboard.run(s.id) }));
    return [...caseEntries, ...commands];
  }, [cases, text, t, navigate, keyboard]);

  const choose = (entry: Entry | undefined) => {
    if (!entry) return;
    onClose();
    window.setTimeout(entry.run, 0);
  };

  return (
    <Modal
      open={open}
      onCancel={onClose}
      footer={null}
      closable={false}
      title={t('palette.title')}
      afterOpenChange={(visible) => visible && input.current?.focus()}
      destroyOnHidden
      width={560}
    >
      <Input
        ref={input}
        autoFocus
        size="large"
        value={text}
        aria-label={t('palette.placeholder')}
        placeholder={t('palette.placeholder')}
        data-testid="palette-input"
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.nativeEvent.isComposing || e.keyCode === 229) return;
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((i) => Math.min(i + 1, entries.length - 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((i) => Math.max(i - 1, 0));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            choose(entries[active]);
          }
        }}
      />
      <div className="palette-list" role="listbox" aria-label={t('palette.title')} data-testid="palette-results">
        {loading && <Spin size="small" />}
        {!loading && text.trim().length >= 3 && cases.length === 0 && <div className="palette-none">{t('palette.none')}</div>}
        {entries.map((entry, index) => (
          <div
            key={entry.key}
            role="option"
            aria-selected={index === active}
            tabIndex={-1}
            className={`palette-item${index === active ? ' active' : ''}`}
            data-testid="palette-item"
            onMouseEnter={() => setActive(index)}
            onClick={() => choose(entry)}
          >
            <span className="palette-title">{entry.title}</span>
            <span className="palette-hint">{entry.hint}</span>
          </div>
        ))}
        {entries.length === 0 && !loading && text.trim().length < 3 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('palette.placeholder')} />}
      </div>
    </Modal>
  );
}
