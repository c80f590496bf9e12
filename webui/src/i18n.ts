// i18next with the complete en and zh catalogues. The language is the
// user's choice, remembered on the user (PATCH /api/v1/me) and applied at
// sign-in in any browser; localStorage keeps it for the sign-in page, before
// anyone is signed in. The first visit follows the browser (Chinese first
// for zh*).
import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import en from "./locales/en";
import zh from "./locales/zh";

export const LANGS = ["zh", "en"] as const;
const KEY = "voc.lang";

export function initialLanguage(): string {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved && (LANGS as readonly string[]).includes(saved)) return saved;
  } catch {
    /* storage disabled */
  }
  return typeof navigator !== "undefined" && navigator.language?.toLowerCase().startsWith("zh") ? "zh" : "en";
}

/** userLanguage returns the language to apply for a signed-in user's saved choice, or null to keep the current one. */
export function userLanguage(saved: string | undefined, current: string): string | null {
  return saved && (LANGS as readonly string[]).includes(saved) && saved !== current ? saved : null;
}

/** setLanguage switches the UI and remembers the choice in this browser (the pre-sign-in fallback). */
export function setLanguage(lang: string): void {
  try {
    localStorage.setItem(KEY, lang);
  } catch {
    /* storage disabled */
  }
  void i18n.changeLanguage(lang);
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, zh: { translation: zh } },
  lng: initialLanguage(),
  fallbackLng: "en",
  interpolation: { escapeValue: false },
  returnNull: false,
});
if (typeof document !== "undefined") document.documentElement.lang = i18n.language === "zh" ? "zh-CN" : "en";

export default i18n;
