// Pure helpers of the comparison views: how an alignment was made, in
// words of the catalogue (the server stores its note in English), and the
// moves of the alignment editor.
import type { AlignGroup } from "./api";

/** A sentence of the catalogue with its parameters. */
export interface Words {
  key: string;
  params?: Record<string, string>;
}

// The server's notes (api/comparisons.go): the offline note, its reasons,
// the language model's note and the analyst's.
const OFFLINE = "aligned by concept and normalised name";
const LLM = "aligned by meaning by the language model ";
const CACHED = " (answer from the cache)";
const EDITED = "corrected by an analyst";
const REASONS: Record<string, string> = {
  " (no language model is configured)": "compare.why.noLLM",
  " (the language model could not align them: the call failed)": "compare.why.failed",
  " (the language model could not align them: it was rate limited)": "compare.why.rateLimited",
  " (the language model could not align them: its answer was invalid)": "compare.why.invalid",
};

/**
 * alignmentWords says how an alignment was made: a sentence for its
 * source and, when the note says more (the model, a cache hit, why the
 * offline fallback was used), sentences for that. raw is true when the
 * note is not one the app knows; show it as it is then.
 */
export function alignmentWords(source: string, note: string | undefined): { lines: Words[]; raw: boolean } {
  const n = (note ?? "").trim();
  const lines: Words[] = [{ key: ["llm", "offline", "edited"].includes(source) ? "compare.source." + source : "compare.source.other", params: { source } }];
  if (!n) return { lines, raw: false };
  if (source === "edited" && n === EDITED) return { lines, raw: false };
  if (source === "llm" && n.startsWith(LLM)) {
    const cached = n.endsWith(CACHED);
    const model = n.slice(LLM.length, cached ? n.length - CACHED.length : undefined).trim();
    if (model) lines.push({ key: "compare.why.model", params: { model } });
    if (cached) lines.push({ key: "compare.why.cached" });
    return { lines, raw: false };
  }
  if (source === "offline" && n.startsWith(OFFLINE)) {
    const rest = n.slice(OFFLINE.length);
    if (rest === "") return { lines, raw: false };
    const reason = REASONS[rest];
    if (reason) {
      lines.push({ key: reason });
      return { lines, raw: false };
    }
  }
  return { lines, raw: true };
}

/** A group of the editor: the server's group with a local id. */
export interface DraftGroup extends AlignGroup {
  uid: string;
}

let next = 0;

/** draftOf copies the alignment for editing. */
export function draftOf(groups: AlignGroup[]): DraftGroup[] {
  return groups.map((g) => ({ ...g, uid: "g" + next++, members: g.members.map((m) => ({ ...m })) }));
}

/** ALONE is the target that puts a dimension in a group of its own. */
export const ALONE = "__alone__";

/**
 * moveDimension moves a dimension to the group with uid to, or to a group
 * of its own (ALONE, named after the dimension). Groups left empty are
 * dropped. A move to a group of another kind is refused (the server
 * would refuse it too): the groups come back unchanged.
 */
export function moveDimension(groups: DraftGroup[], dimensionID: number, to: string): DraftGroup[] {
  const from = groups.find((g) => g.members.some((m) => m.dimension_id === dimensionID));
  if (!from || from.uid === to) return groups;
  const member = from.members.find((m) => m.dimension_id === dimensionID)!;
  if (to === ALONE && from.members.length === 1) return groups;
  const target = groups.find((g) => g.uid === to);
  if (to !== ALONE && (!target || target.kind !== from.kind)) return groups;
  const out: DraftGroup[] = [];
  for (const g of groups) {
    if (g.uid === from.uid) {
      const rest = g.members.filter((m) => m.dimension_id !== dimensionID);
      if (rest.length > 0) out.push({ ...g, members: rest });
      if (to === ALONE) out.push({ uid: "g" + next++, name: member.name || g.name, kind: g.kind, members: [member] });
    } else if (g.uid === to) out.push({ ...g, members: [...g.members, member] });
    else out.push(g);
  }
  return out;
}

/** renameGroup sets a group's name. */
export function renameGroup(groups: DraftGroup[], uid: string, name: string): DraftGroup[] {
  return groups.map((g) => (g.uid === uid ? { ...g, name } : g));
}

/** toPatch is the body of PATCH …/alignment: every group, names trimmed. */
export function toPatch(groups: DraftGroup[]): AlignGroup[] {
  return groups
    .filter((g) => g.members.length > 0)
    .map((g) => ({
      name: g.name.trim() || g.members[0]!.name || "",
      kind: g.kind,
      members: g.members.map((m) => ({ product_id: m.product_id, dimension_id: m.dimension_id })),
    }));
}

/** sameAlignment is true when two alignments group the same dimensions under the same names. */
export function sameAlignment(a: AlignGroup[], b: AlignGroup[]): boolean {
  const sig = (gs: AlignGroup[]) =>
    gs
      .map((g) => g.kind + "|" + g.name.trim() + "|" + g.members.map((m) => m.dimension_id).sort((x, y) => x - y).join(","))
      .sort()
      .join("\n");
  return sig(a) === sig(b);
}
