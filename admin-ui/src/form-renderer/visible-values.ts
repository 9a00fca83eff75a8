// Answers without the fields their conditions hide: a hidden field's old value would make the shared
// validator refuse the submission ("does not apply"), so the form forgets it as soon as it hides.
import { isVisible } from '../../../domain/forms/validate-answers.ts';
import type { FormDefinition } from '../../../domain/forms/form-definition.ts';

export function withoutHiddenFields(form: FormDefinition, values: Record<string, unknown>) {
  let current = values;
  // A field hidden now may have been the reason another one showed: repeat until nothing changes.
  for (let pass = 0; pass <= form.fields.length; pass++) {
    const next = { ...current };
    let changed = false;
    for (const f of form.fields) {
      if (f.key in next && !isVisible(f, next)) {
        delete next[f.key];
        changed = true;
      }
    }
    if (!changed) return next;
    current = next;
  }
  return current;
}
