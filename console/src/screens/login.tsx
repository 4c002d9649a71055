import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { api } from '../api/http';
import { problemText, setLang } from '../i18n';
import { lastShop } from '../prefs';

/** Only same-origin paths: `next` comes from the URL and must not send the agent elsewhere. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/queue';
}

type Field = 'shop' | 'email' | 'password';

/** A plain form (no antd Form): sign-in is the first thing every agent downloads. */
export default function Login() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [params] = useSearchParams();
  const [values, setValues] = useState<Record<Field, string>>({ shop: lastShop.get(), email: '', password: '' });
  const [missing, setMissing] = useState<Field[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const empty = (['shop', 'email', 'password'] as const).filter((f) => !values[f].trim());
    setMissing(empty);
    if (empty.length > 0) return;
    setBusy(true);
    setError(null);
    try {
      // The service sets an HttpOnly session cookie; the token in the body is never read or stored here.
      await api('/v1/auth/login', {
        method: 'POST',
        body: { shop: values.shop.trim(), email: values.email.trim(), password: values.password },
        allowUnauthenticated: true,
      });
      lastShop.set(values.shop.trim());
      client.clear();
      navigate(safeNext(params.get('next')), { replace: true });
    } catch (problem) {
      setError(problemText(problem));
    } finally {
      setBusy(false);
    }
  };

  const field = (name: Field, label: string, input: (props: Record<string, unknown>) => React.ReactNode) => (
    <div className="login-field">
      <label htmlFor={`login-${name}`}>{label}</label>
      {input({
        'id': `login-${name}`,
        'value': values[name],
        'status': missing.includes(name) ? 'error' : undefined,
        'aria-invalid': missing.includes(name) || undefined,
        'aria-describedby': missing.includes(name) ? `login-${name}-error` : undefined,
        'data-testid': `login-${name}`,
        'onChange': (e: React.ChangeEvent<HTMLInputElement>) => setValues((v) => ({ ...v, [name]: e.target.value })),
      })}
      {missing.includes(name) && (
        <div id={`login-${name}-error`} className="field-error">
          {t('login.required', { field: label })}
        </div>
      )}
    </div>
  );

  return (
    <main className="login-page">
      <div className="login-card panel">
        <div className="login-head">
          <img src="/favicon.svg" alt="" width={36} height={36} />
          <h1>{t('login.heading')}</h1>
        </div>
        {error && <Alert type="error" showIcon title={error} data-testid="login-error" role="alert" className="login-error" />}
        <form onSubmit={(e) => void submit(e)} data-testid="login-form" noValidate>
          {field('shop', t('login.shop'), (p) => (
            <Input {...p} autoComplete="organization" placeholder={t('login.shopHint')} autoFocus={!values.shop} />
          ))}
          {field('email', t('login.email'), (p) => (
            <Input {...p} type="email" autoComplete="username" autoFocus={Boolean(values.shop)} />
          ))}
          {field('password', t('login.password'), (p) => (
            <Input.Password {...p} autoComplete="current-password" />
          ))}
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
            {t('login.submit')}
          </Button>
        </form>
        <div className="login-lang">
          <Button
            type="link"
            size="small"
            data-testid="language-switch"
            lang={i18n.language === 'en' ? 'zh-CN' : 'en'}
            onClick={() => setLang(i18n.language === 'en' ? 'zh' : 'en')}
          >
            {i18n.language === 'en' ? '中文' : 'English'}
          </Button>
        </div>
      </div>
    </main>
  );
}
