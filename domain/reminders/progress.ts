// How far a day's reminders got, for a report cell: the level reached, and which levels were
// skipped because nobody anywhere up the tree could be chased (they were not sent).

export function reminderProgressText(levelReached: number, skipped: readonly number[]): string | number {
  if (skipped.length === 0) return levelReached;
  return `${levelReached}（跳过 skipped: ${skipped.join(', ')}）`;
}
