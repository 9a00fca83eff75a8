// Opened from a signed link: start the link's exchange and today's form right away, while the
// page's scripts still download (on a 3G phone about a second); the page takes these answers if
// they are for its link (admin-ui/src/checkin/early.ts), else it asks again itself.
(function () {
  var token = new URLSearchParams(location.search).get('t');
  if (!token || !window.fetch || !window.Promise) return;
  var lang = 'zh-CN';
  try {
    if (localStorage.getItem('checkin.lang') === 'en') lang = 'en';
  } catch (e) {
    /* storage blocked: Chinese */
  }
  function read(r) {
    return r.text().then(function (text) {
      return { status: r.status, text: text };
    });
  }
  var link = fetch('/api/auth/link', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-language': lang },
    body: JSON.stringify({ token: token }),
  }).then(read);
  var today = link.then(function (a) {
    if (a.status !== 200) return null;
    var session = JSON.parse(a.text).token;
    return fetch('/api/me/today', {
      headers: { authorization: 'Bearer ' + session, 'accept-language': lang },
    })
      .then(read)
      .then(function (b) {
        return { session: session, answer: b };
      });
  });
  // unhandled rejections stay quiet: the page handles them when it takes the answers
  link.catch(function () {});
  today.catch(function () {});
  window.__checkinEarly = { token: token, link: link, today: today };
})();
