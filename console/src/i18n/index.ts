import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { zh } from './zh';
import { ApiProblem } from '../api/http';

export type Lang = 'zh' | 'en';
const STORAGE_KEY = 'as.lang';

export function storedLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: { zh: { translation: zh }, en: { translation: en } },
  lng: storedLang(),
  fallbackLng: 'zh',
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** BCP 47 tag for `lang` and Intl formatting. */
export const localeOf = (lang: string): string => (lang === 'en' ? 'en-US' : 'zh-CN');

export function setLang(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    /* private mode: the choice lasts for this page */
  }
  void i18n.changeLanguage(lang);
}

i18n.on('languageChanged', (lang) => {
  document.documentElement.lang = localeOf(lang);
});
document.documentElement.lang = localeOf(i18n.language);

/** A problem as the agent should read it: by its stable code in the console's language, else the API's words. */
export function problemText(error: unknown): string {
  if (error instanceof ApiProblem) {
    const { code, title, detail, errors } = error.problem;
    const key = `problem.${code}`;
    const known = code && i18n.exists(key) ? i18n.t(key) : null;
    const fields = errors?.length ? ` (${errors.map((e) => e.field).join(', ')})` : '';
    return (known ?? detail ?? title ?? `HTTP ${error.status}`) + fields;
  }
  if (error instanceof TypeError) return i18n.t('problem.NETWORK');
  return error instanceof Error ? error.message : String(error);
}
