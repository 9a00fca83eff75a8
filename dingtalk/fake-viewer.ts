// The fake's message viewer: what DingTalk would have shown, newest first, refreshing itself.
import type { FakeDingTalkState } from './fake-state.ts';

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const kindLabel: Record<string, string> = {
  work_notification: '工作通知 Work notification',
  robot: '群机器人 Group robot',
  todo: '待办 To-do',
  ding: 'DING',
};

export function renderViewer(state: FakeDingTalkState): string {
  const rows = [...state.messages]
    .reverse()
    .slice(0, 300)
    .map((m) => {
      const recipients = m.to
        .slice(0, 20)
        .map((u) => {
          const name = state.directory.get(u)?.name ?? u;
          return m.link && m.kind === 'work_notification'
            ? `<a href="/_fake/open?message=${m.id}&as=${encodeURIComponent(u)}">${esc(name)}</a>`
            : esc(name);
        })
        .join(', ');
      const more = m.to.length > 20 ? ` … +${m.to.length - 20}` : '';
      const dropped = m.droppedDuplicates.length
        ? `<div class="dup">dropped as duplicate: ${m.droppedDuplicates.length}</div>`
        : '';
      return `<tr><td>${m.id}</td><td>${esc(m.receivedAt)}</td><td>${kindLabel[m.kind] ?? m.kind}</td>
        <td>${recipients}${more}${dropped}</td><td><b>${esc(m.title)}</b><pre>${esc(m.text)}</pre></td></tr>`;
    })
    .join('\n');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3">
<title>DingTalk fake · 钉钉模拟器</title>
<style>body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:1.5rem}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.4rem;vertical-align:top;text-align:left}pre{white-space:pre-wrap;margin:.2rem 0}
.dup{color:#a60;font-size:.85em}</style></head><body>
<h1>钉钉模拟器 · DingTalk fake</h1>
<p>${state.messages.length} messages recorded. Click a recipient to open the check-in link as that person (免登 code included).</p>
<table><thead><tr><th>#</th><th>UTC</th><th>Kind</th><th>To</th><th>Content</th></tr></thead><tbody>
${rows || '<tr><td colspan="5">No messages yet.</td></tr>'}
</tbody></table></body></html>`;
}
