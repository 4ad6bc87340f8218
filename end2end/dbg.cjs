const { chromium } = require('@playwright/test');
(async () => {
  const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
  const p = await b.newPage();
  p.on('console', async m => {
    if (m.type() !== 'error') return;
    for (const a of m.args()) {
      try { console.log('arg:', await a.evaluate(n => n && n.nodeType ? (n.nodeName + ' ' + (n.outerHTML || n.textContent || '').slice(0,200)) : String(n).slice(0,300))); } catch (e) {}
    }
  });
  await p.goto('http://127.0.0.1:5992/login');
  await p.waitForTimeout(3000);
  console.log(await p.evaluate(() => document.head.innerHTML.slice(-400)));
  console.log(await p.evaluate(() => document.body.innerHTML.slice(0,300)));
  await b.close();
})();
