import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Segmented, Space, Spin, Tooltip } from 'antd';
import { BulbOutlined, LogoutOutlined, QuestionCircleOutlined, SearchOutlined, TranslationOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { api, isProblem } from '../api/http';
import { invalidateCase, keys, useBootstrap } from '../api/queries';
import type { Bootstrap, Presence } from '../api/types';
import { problemText, setLang } from '../i18n';
import { useShortcut } from '../keyboard/keyboard';
import { setServerTime } from '../live/clock';
import { markChanged, noteLiveVersion, startLiveStream, useLiveStatus } from '../live/stream';
import { setTheme, useIsDark, useThemeMode, type ThemeMode } from '../prefs';
import { message, notify } from '../ui/feedback';
import { DeadlineBell } from './deadline-bell';
import { SessionContext } from './session';

const ShortcutSheet = lazy(() => import('./shortcut-sheet'));
const CommandPalette = lazy(() => import('./command-palette'));

const PRESENCE_COLOURS: Record<Presence, string> = { online: '#389e0d', away: '#8c8c8c', suspended: '#d46b08' };

function LiveIndicator() {
  const { t } = useTranslation();
  const status = useLiveStatus();
  return (
    <Tooltip title={t(`shell.live.${status}`)}>
      <span className={`live-dot live-${status}`} data-testid="live-status" data-status={status} role="status" aria-label={t(`shell.live.${status}`)} />
    </Tooltip>
  );
}

function PresenceSwitch({ session }: { session: Bootstrap }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [saving, setSaving] = useState(false);
  const change = async (presence: Presence) => {
    setSaving(true);
    try {
      await api('/v1/agents/me/presence', { method: 'PUT', body: { presence } });
      client.setQueryData<Bootstrap>(keys.bootstrap, (old) => (old ? { ...old, agent: { ...old.agent, presence } } : old));
    } catch (error) {
      message.error(problemText(error));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Segmented<Presence>
      size="small"
      aria-label={t('presence.label')}
      data-testid="presence-switch"
      disabled={saving}
      value={session.agent.presence}
      onChange={(value) => void change(value)}
      options={(['online', 'suspended', 'away'] as const).map((p) => ({
        value: p,
        label: (
          <span data-testid={`presence-${p}`}>
            <span className="presence-dot" style={{ background: PRESENCE_COLOURS[p] }} aria-hidden />
            {t(`presence.${p}`)}
          </span>
        ),
      }))}
    />
  );
}

const THEME_ORDER: ThemeMode[] = ['light', 'dark', 'system'];

/** One button cycling light → dark → follow the system; the tooltip says which is on. */
function ThemeSwitch() {
  const { t } = useTranslation();
  const mode = useThemeMode();
  const next = THEME_ORDER[(THEME_ORDER.indexOf(mode) + 1) % THEME_ORDER.length];
  return (
    <Tooltip title={`${t('shell.theme.label')}: ${t(`shell.theme.${mode}`)} → ${t(`shell.theme.${next}`)}`}>
      <Button
        type="text"
        icon={<BulbOutlined />}
        aria-label={`${t('shell.theme.label')}: ${t(`shell.theme.${mode}`)}`}
        data-testid="theme-switch"
        data-mode={mode}
        onClick={() => setTheme(next)}
      />
    </Tooltip>
  );
}

export default function Shell() {
  const { t, i18n } = useTranslation();
  const bootstrap = useBootstrap();
  const client = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const dark = useIsDark();
  const [sheetOpen, setSheetOpen] = useState(false);
  const [paletteOpen, setPaletteOpen] = useState(false);
  const queueRefresh = useRef<number | undefined>(undefined);

  useEffect(() => {
    if (bootstrap.data) setServerTime(bootstrap.data.serverTime);
  }, [bootstrap.data]);

  useEffect(() => {
    if (!bootstrap.data) return;
    startLiveStream({
      onCaseChanged(change) {
        noteLiveVersion(change.caseId, change.version);
        markChanged(change.caseId);
        invalidateCase(client, change.caseId);
        // The lists are heavier: one refetch for a burst of changes.
        window.clearTimeout(queueRefresh.current);
        queueRefresh.current = window.setTimeout(() => {
          void client.invalidateQueries({ queryKey: keys.queueAll });
          void client.invalidateQueries({ queryKey: keys.counts });
          void client.invalidateQueries({ queryKey: ['cases'] });
          void client.invalidateQueries({ queryKey: keys.bootstrap });
        }, 500);
      },
      onReset() {
        void client.invalidateQueries();
      },
      onCaughtUp(offlineMs, changed) {
        notify(t('shell.offline', { minutes: Math.round(offlineMs / 60_000), n: changed }));
      },
    });
  }, [bootstrap.data, client, t]);

  useShortcut('help', () => setSheetOpen(true));
  useShortcut('palette', () => setPaletteOpen((open) => !open));
  useShortcut('goQueue', () => navigate('/queue'));
  useShortcut('goSearch', () => navigate('/cases'));
  useShortcut('toggleTheme', () => setTheme(dark ? 'light' : 'dark'));
  useShortcut('toggleLanguage', () => setLang(i18n.language === 'en' ? 'zh' : 'en'));

  if (bootstrap.isPending) {
    return (
      <div className="page-loading">
        <Spin />
      </div>
    );
  }
  if (bootstrap.isError || !bootstrap.data) {
    if (isProblem(bootstrap.error) && bootstrap.error.status === 401) {
      return (
        <div className="page-loading">
          <Spin />
        </div>
      );
    }
    return (
      <div className="page-loading">
        <Alert
          type="error"
          showIcon
          title={t('common.error')}
          description={problemText(bootstrap.error)}
          action={<Button onClick={() => void bootstrap.refetch()}>{t('common.retry')}</Button>}
        />
      </div>
    );
  }
  const session = bootstrap.data;
  const { agent, shop } = session;

  const logout = async () => {
    try {
      await api('/v1/auth/logout', { method: 'POST' });
    } finally {
      client.clear();
      navigate('/login');
    }
  };

  return (
    <SessionContext.Provider value={session}>
      <div className="shell">
        <a className="skip-link" href="#main">
          {t('app.skip')}
        </a>
        <header className="shell-header">
          <div className="brand">
            <img src="/favicon.svg" alt="" width={22} height={22} />
            <span className="brand-title">{t('app.title')}</span>
            <span className="brand-shop muted">{shop.name}</span>
          </div>
          <nav aria-label={t('nav.menu')} className="shell-nav">
            <NavLink to="/queue" data-testid="nav-queue">
              <UnorderedListOutlined /> {t('nav.queue')}
            </NavLink>
            <NavLink to="/cases" end data-testid="nav-search">
              <SearchOutlined /> {t('nav.search')}
            </NavLink>
          </nav>
          <div className="shell-tools">
            <span className="load" data-testid="my-load">
              {agent.maxOpenCases !== null ? t('shell.load', { n: agent.openCases, max: agent.maxOpenCases }) : t('shell.loadNoMax', { n: agent.openCases })}
            </span>
            <PresenceSwitch session={session} />
            <DeadlineBell />
            <LiveIndicator />
            <Tooltip title={`${t('shell.palette')} (Ctrl+K)`}>
              <Button type="text" icon={<SearchOutlined />} aria-label={t('shell.palette')} data-testid="palette-button" onClick={() => setPaletteOpen(true)} />
            </Tooltip>
            <Button
              type="text"
              icon={<TranslationOutlined />}
              data-testid="language-switch"
              aria-label={t('shell.language')}
              lang={i18n.language === 'en' ? 'zh-CN' : 'en'}
              onClick={() => setLang(i18n.language === 'en' ? 'zh' : 'en')}
            >
              {i18n.language === 'en' ? '中文' : 'EN'}
            </Button>
            <ThemeSwitch />
            <Tooltip title={`${t('shell.shortcuts')} (?)`}>
              <Button
                type="text"
                icon={<QuestionCircleOutlined />}
                aria-label={t('shell.shortcuts')}
                data-testid="shortcuts-button"
                onClick={() => setSheetOpen(true)}
              />
            </Tooltip>
            <Space size={4} className="who">
              <span className="who-name">{agent.displayName}</span>
              <Tooltip title={t('nav.logout')}>
                <Button type="text" icon={<LogoutOutlined />} aria-label={t('nav.logout')} data-testid="logout" onClick={() => void logout()} />
              </Tooltip>
            </Space>
          </div>
        </header>
        {agent.presence !== 'online' && (
          <Alert
            banner
            type="warning"
            data-testid="presence-banner"
            title={agent.presence === 'suspended' ? t('presence.suspendedBanner') : t('presence.awayBanner')}
          />
        )}
        <main id="main" className="shell-main" key={location.pathname.startsWith('/cases/') ? 'case' : 'list'}>
          <Suspense
            fallback={
              <div className="page-loading">
                <Spin />
              </div>
            }
          >
            <Outlet />
          </Suspense>
        </main>
      </div>
      <Suspense>
        {sheetOpen && <ShortcutSheet open onClose={() => setSheetOpen(false)} />}
        {paletteOpen && <CommandPalette open onClose={() => setPaletteOpen(false)} />}
      </Suspense>
    </SessionContext.Provider>
  );
}
