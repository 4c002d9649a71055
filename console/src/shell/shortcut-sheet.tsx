import { Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import { displayKeys } from '../lib/keys';
import { SHORTCUTS, type ShortcutScope } from '../keyboard/shortcuts';

const SCOPES: ShortcutScope[] = ['global', 'queue', 'case', 'search'];
const mac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);

/** The `?` sheet: read from the same table as the dispatcher, so it cannot drift. */
export default function ShortcutSheet({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal open={open} onCancel={onClose} footer={null} title={t('sheet.title')} width={720} data-testid="shortcut-sheet">
      <div className="sheet-grid">
        {SCOPES.map((scope) => (
          <section key={scope}>
            <h3>{t(`sheet.scope.${scope}`)}</h3>
            <dl>
              {SHORTCUTS.filter((s) => s.scope === scope).map((s) => (
                <div key={s.id} className="sheet-row">
                  <dt>{t(s.label)}</dt>
                  <dd>
                    {s.keys.map((k, i) => (
                      <span key={k}>
                        {i > 0 && <span className="sheet-or"> / </span>}
                        {displayKeys(k, mac).map((chord) => (
                          <kbd key={chord}>{chord}</kbd>
                        ))}
                      </span>
                    ))}
                  </dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </Modal>
  );
}
