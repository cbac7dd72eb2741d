/**
 * The template configuration (notify/templates): the local templates are a valid configuration;
 * WECHAT_TEMPLATES is read once, strictly, and required outside the local stack; each problem is
 * named; the account's list is compared key by key.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  checkTemplateList,
  configuredTemplates,
  localTemplateConfig,
  parseTemplateConfig,
  resetTemplateConfig,
  templateContent,
  templateFor,
  TemplateConfigError,
} from '../../../functions/src/notify/templates.ts';

afterEach(() => {
  vi.unstubAllEnvs();
  resetTemplateConfig();
});

const problemsOf = (raw: unknown): string[] => {
  try {
    parseTemplateConfig(raw);
    return [];
  } catch (e) {
    if (e instanceof TemplateConfigError) return e.problems;
    throw e;
  }
};

describe('template configuration', () => {
  it('the local templates parse, with the kind of each key from its name', () => {
    const task = parseTemplateConfig(localTemplateConfig()).find((t) => t.kind === 'task')!;
    expect(task).toEqual({
      kind: 'task',
      id: 'tpl-task',
      longTerm: true,
      fields: { thing1: { kind: 'thing', from: 'category' }, thing2: { kind: 'thing', from: 'place' }, time3: { kind: 'time', from: 'deadline' }, thing4: { kind: 'thing', from: 'note' } },
    });
    expect(templateContent(task)).toBe('隐患类型:{{thing1.DATA}}\n所在网格:{{thing2.DATA}}\n处理时限:{{time3.DATA}}\n说明:{{thing4.DATA}}\n');
  });

  it('names every problem at once', () => {
    const c = localTemplateConfig() as Record<string, any>;
    expect(problemsOf({ ...c, birthday: { id: 'x', keys: { thing1: 'category' } } })).toEqual(['unknown kind "birthday" (kinds: task, escalation, progress, survey)']);
    const { survey: _s, ...noSurvey } = c;
    expect(problemsOf(noSurvey)).toEqual(['survey: missing']);
    expect(problemsOf({ ...c, task: { id: 'a b', keys: {} } })).toEqual(["task: id must be the template's priTmplId", 'task: keys must map 1 to 5 keyword keys (thing1, time3, …) to what fills them']);
    expect(problemsOf({ ...c, task: { id: 'T', keys: { keyword1: 'category', phrase2: 'deadline', thing3: 'weather' } } })).toEqual([
      'task: "keyword1" is not a keyword key (a kind such as thing or time, then a number)',
      'task: phrase2 is a phrase field, which cannot carry deadline (needs time or date)',
      'task: thing3 -> "weather" is not one of category, place, note, status, time, deadline',
    ]);
    expect(problemsOf({ ...c, progress: { ...c.progress, id: 'tpl-task' } })).toEqual(['two kinds share one template id']);
    expect(problemsOf({ ...c, task: { ...c.task, longTerm: 'yes' } })).toEqual(['task: longTerm must be true or false']);
  });

  it('WECHAT_TEMPLATES: read once; malformed or missing outside the local stack is an error at first use', () => {
    vi.stubEnv('WSB_LOCAL', '');
    vi.stubEnv('WECHAT_TEMPLATES', '');
    expect(() => configuredTemplates()).toThrow(/WECHAT_TEMPLATES is not set/);
    vi.stubEnv('WECHAT_TEMPLATES', '{"task":');
    expect(() => configuredTemplates()).toThrow(/not valid JSON/);
    const custom = { ...localTemplateConfig(), task: { id: 'AbC_task-01', longTerm: false, keys: { thing7: 'category', date2: 'deadline' } } };
    vi.stubEnv('WECHAT_TEMPLATES', JSON.stringify(custom));
    expect(templateFor('task')).toEqual({ kind: 'task', id: 'AbC_task-01', longTerm: false, fields: { thing7: { kind: 'thing', from: 'category' }, date2: { kind: 'date', from: 'deadline' } } });
    vi.stubEnv('WECHAT_TEMPLATES', 'changed later: not read again');
    expect(templateFor('task').id).toBe('AbC_task-01');
    resetTemplateConfig();
    vi.stubEnv('WECHAT_TEMPLATES', '');
    vi.stubEnv('WSB_LOCAL', '1');
    expect(templateFor('task').id).toBe('tpl-task');
  });

  it('compares with the account\'s template list', () => {
    const templates = parseTemplateConfig(localTemplateConfig());
    const list = templates.map((t) => ({ id: t.id, content: templateContent(t), longTerm: t.longTerm, keys: Object.keys(t.fields) }));
    expect(checkTemplateList(templates, list)).toEqual({ problems: [], unchecked: [] });
    const changed = list.map((l) => (l.id === 'tpl-task' ? { ...l, keys: ['thing1', 'thing2', 'time3', 'thing5'] } : l));
    expect(checkTemplateList(templates, changed).problems).toEqual([
      'task: template tpl-task has no keyword thing4',
      'task: keyword thing5 of template tpl-task is not configured (nothing would fill it)',
    ]);
  });
});
