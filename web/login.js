// login.js: exchanges the one-time token of the link `enlace web` printed
// (after '#', so it never reaches a server log or a Referer) for the
// session cookie, then opens the console. The token leaves the address bar
// at once. The only script that runs without a session: it carries its
// few words in both languages itself.
const words = {
  es: {
    opening: 'Abriendo la consola…',
    used: 'Este enlace ya se usó o no es válido. En la terminal donde corre «enlace web», pulse Intro para obtener uno nuevo.',
    none: 'Abra el enlace que imprimió «enlace web» en su terminal.',
    failed: 'La consola no responde. ¿Sigue corriendo «enlace web»?',
  },
  en: {
    opening: 'Opening the console…',
    used: 'This link was used already or is not valid. In the terminal where "enlace web" runs, press Enter for a new one.',
    none: 'Open the link that "enlace web" printed in its terminal.',
    failed: 'The console does not answer. Is "enlace web" still running?',
  },
};
const lang = (navigator.languages || [navigator.language || 'en'])
  .map((l) => l.slice(0, 2).toLowerCase())
  .find((l) => l in words) || 'en';
document.documentElement.lang = lang;
const say = (key) => { document.getElementById('login-status').textContent = words[lang][key]; };

const token = location.hash.slice(1);
history.replaceState(null, '', '/login');
if (!/^[0-9a-f]{64}$/.test(token)) {
  say('none');
} else {
  say('opening');
  fetch('/api/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify({ token }),
  }).then((r) => {
    if (r.ok) location.replace('/');
    else say('used');
  }).catch(() => say('failed'));
}
