import { lazy, Suspense, useMemo } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ConfigProvider, Spin, theme } from 'antd';
import zhCN from 'antd/es/locale/zh_CN';
import enUS from 'antd/es/locale/en_US';
import { I18nextProvider, useTranslation } from 'react-i18next';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { i18n } from './i18n';
import { ApiProblem } from './api/http';
import { prefetchFirstScreen } from './api/queries';
// The shell and the queue are the first screen of the day: in the main chunk, not behind a Suspense
// fallback (React 19 holds content back for up to 300 ms once a fallback has shown).
import Shell from './shell/shell';
import Queue from './screens/queue';
import { KeyboardProvider } from './keyboard/keyboard';
import { useIsDark } from './prefs';

const Login = lazy(() => import('./screens/login'));
const CaseWorkspace = lazy(() => import('./screens/case/case-workspace'));
const CaseSearch = lazy(() => import('./screens/case-search'));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      refetchOnWindowFocus: true,
      // Problems the agent must act on (401, 403, 404, 409…) are not retried; network blips are.
      retry: (count, error) => !(error instanceof ApiProblem && error.status < 500) && count < 2,
    },
  },
});

prefetchFirstScreen(queryClient, window.location.pathname, window.location.search);

const fallback = (
  <div className="page-loading">
    <Spin />
  </div>
);

const router = createBrowserRouter([
  { path: '/login', element: <Login /> },
  {
    path: '/',
    element: <Shell />,
    children: [
      { index: true, element: <Navigate to="/queue" replace /> },
      { path: 'queue', element: <Queue /> },
      { path: 'cases', element: <CaseSearch /> },
      { path: 'cases/:caseId', element: <CaseWorkspace /> },
      { path: '*', element: <Navigate to="/queue" replace /> },
    ],
  },
]);

function Themed() {
  const { i18n: instance } = useTranslation();
  const dark = useIsDark();
  const zh = instance.language !== 'en';
  dayjs.locale(zh ? 'zh-cn' : 'en');
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  const themeConfig = useMemo(
    () => ({
      algorithm: dark ? theme.darkAlgorithm : theme.defaultAlgorithm,
      cssVar: { key: 'as' },
      token: {
        // Darker than antd's default blue and red so text on them passes WCAG AA in both themes.
        colorPrimary: dark ? '#3c89e8' : '#0958d9',
        // Links and the processing tag take these, not the primary colour.
        colorLink: dark ? '#69b1ff' : '#0958d9',
        colorInfo: dark ? '#69b1ff' : '#0958d9',
        colorError: dark ? '#f0605d' : '#cf1322',
        colorWarning: dark ? '#e8b339' : '#ad6800',
        colorSuccess: dark ? '#6abe39' : '#237804',
        colorTextTertiary: dark ? 'rgba(255,255,255,0.6)' : 'rgba(0,0,0,0.6)',
        colorTextQuaternary: dark ? 'rgba(255,255,255,0.5)' : 'rgba(0,0,0,0.55)',
        colorTextPlaceholder: dark ? 'rgba(255,255,255,0.5)' : 'rgba(0,0,0,0.55)',
        colorTextDescription: dark ? 'rgba(255,255,255,0.65)' : 'rgba(0,0,0,0.62)',
        fontFamily:
          '-apple-system, BlinkMacSystemFont, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", "Helvetica Neue", Arial, sans-serif',
        borderRadius: 6,
      },
    }),
    [dark],
  );
  return (
    <ConfigProvider locale={zh ? zhCN : enUS} theme={themeConfig} componentSize="middle">
      <KeyboardProvider>
        <Suspense fallback={fallback}>
          <RouterProvider router={router} />
        </Suspense>
      </KeyboardProvider>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <I18nextProvider i18n={i18n}>
        <Themed />
      </I18nextProvider>
    </QueryClientProvider>
  );
}
