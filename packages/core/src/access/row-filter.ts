import { DomainError } from "../errors";
import { quoteIdent } from "../sql-check";

/**
 * Row filter predicates: a small grammar (comparisons, IN, LIKE, BETWEEN,
 * IS NULL, AND/OR/NOT over columns, literals and `user.<attribute>`), parsed
 * into a tree and written back as SQL from the tree. Nothing of the text is
 * pasted into SQL: columns come out as quoted identifiers, literals and the
 * reader's attribute values as quoted literals. The worker checks the result
 * again with the query sandbox's allowlist before it builds a view.
 */
export type Operand =
  | { t: "col"; name: string }
  | { t: "str"; v: string }
  | { t: "num"; v: string }
  | { t: "bool"; v: boolean }
  | { t: "null" }
  | { t: "attr"; name: string };

export type Expr =
  | { t: "and" | "or"; items: Expr[] }
  | { t: "not"; e: Expr }
  | { t: "cmp"; op: string; l: Operand; r: Operand }
  | { t: "in"; neg: boolean; e: Operand; list: Operand[] }
  | { t: "isnull"; neg: boolean; e: Operand }
  | { t: "like"; neg: boolean; e: Operand; pattern: Operand }
  | { t: "between"; neg: boolean; e: Operand; lo: Operand; hi: Operand }
  | { t: "operand"; e: Operand };

type Token = { k: "id" | "qid" | "str" | "num" | "op"; v: string };

const KEYWORDS = new Set(["AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "ILIKE", "BETWEEN", "TRUE", "FALSE"]);
const CMP = new Set(["=", "!=", "<>", "<", "<=", ">", ">="]);

function bad(message: string): DomainError {
  return new DomainError("BAD_REQUEST", `predicate: ${message}`);
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      let v = "";
      for (;;) {
        if (j >= text.length) throw bad(`unterminated ${c === "'" ? "string" : "quoted name"}`);
        if (text[j] === c && text[j + 1] === c) {
          v += c;
          j += 2;
        } else if (text[j] === c) break;
        else v += text[j++];
      }
      out.push({ k: c === "'" ? "str" : "qid", v });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))![0];
      out.push({ k: "id", v: m });
      i += m.length;
    } else if (/[0-9]/.test(c) || (c === "-" && /[0-9]/.test(text[i + 1] ?? ""))) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(text.slice(i))![0];
      out.push({ k: "num", v: m });
      i += m.length;
    } else {
      const two = text.slice(i, i + 2);
      const op = ["<=", ">=", "<>", "!="].includes(two) ? two : c;
      if (!["=", "<", ">", "(", ")", ",", "."].includes(op) && op.length === 1) throw bad(`unexpected "${c}"`);
      out.push({ k: "op", v: op });
      i += op.length;
    }
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  parse(): Expr {
    if (!this.toks.length) throw bad("is empty");
    const e = this.or();
    if (this.i < this.toks.length) throw bad(`unexpected "${this.toks[this.i]!.v}"`);
    return e;
  }
  private peekKw(kw: string): boolean {
    const t = this.toks[this.i];
    return t?.k === "id" && t.v.toUpperCase() === kw;
  }
  private eatKw(kw: string): boolean {
    if (!this.peekKw(kw)) return false;
    this.i++;
    return true;
  }
  private eatOp(op: string): boolean {
    const t = this.toks[this.i];
    if (t?.k !== "op" || t.v !== op) return false;
    this.i++;
    return true;
  }
  private expectOp(op: string): void {
    if (!this.eatOp(op)) throw bad(`expected "${op}"`);
  }
  private or(): Expr {
    const items = [this.and()];
    while (this.eatKw("OR")) items.push(this.and());
    return items.length === 1 ? items[0]! : { t: "or", items };
  }
  private and(): Expr {
    const items = [this.not()];
    while (this.eatKw("AND")) items.push(this.not());
    return items.length === 1 ? items[0]! : { t: "and", items };
  }
  private not(): Expr {
    if (this.eatKw("NOT")) return { t: "not", e: this.not() };
    return this.test();
  }
  private test(): Expr {
    if (this.eatOp("(")) {
      const e = this.or();
      this.expectOp(")");
      return e;
    }
    const e = this.operand();
    const t = this.toks[this.i];
    if (t?.k === "op" && CMP.has(t.v)) {
      this.i++;
      return { t: "cmp", op: t.v === "!=" ? "<>" : t.v, l: e, r: this.operand() };
    }
    if (this.eatKw("IS")) {
      const neg = this.eatKw("NOT");
      if (!this.eatKw("NULL")) throw bad("expected NULL after IS");
      return { t: "isnull", neg, e };
    }
    const neg = this.eatKw("NOT");
    if (this.eatKw("IN")) {
      this.expectOp("(");
      const list = [this.operand()];
      while (this.eatOp(",")) list.push(this.operand());
      this.expectOp(")");
      return { t: "in", neg, e, list };
    }
    if (this.eatKw("LIKE")) return { t: "like", neg, e, pattern: this.operand() };
    if (this.eatKw("BETWEEN")) {
      const lo = this.operand();
      if (!this.eatKw("AND")) throw bad("expected AND in BETWEEN");
      return { t: "between", neg, e, lo, hi: this.operand() };
    }
    if (neg) throw bad("expected IN, LIKE or BETWEEN after NOT");
    return { t: "operand", e };
  }
  private operand(): Operand {
    const t = this.toks[this.i++];
    if (!t) throw bad("ends too early");
    if (t.k === "str") return { t: "str", v: t.v };
    if (t.k === "num") return { t: "num", v: t.v };
    if (t.k === "qid") return { t: "col", name: t.v };
    if (t.k === "id") {
      const up = t.v.toUpperCase();
      if (up === "TRUE" || up === "FALSE") return { t: "bool", v: up === "TRUE" };
      if (up === "NULL") return { t: "null" };
      if (t.v.toLowerCase() === "user" && this.eatOp(".")) {
        const a = this.toks[this.i++];
        if (!a || (a.k !== "id" && a.k !== "qid")) throw bad("expected an attribute name after user.");
        return { t: "attr", name: a.v };
      }
      if (KEYWORDS.has(up)) throw bad(`unexpected ${t.v}`);
      return { t: "col", name: t.v };
    }
    throw bad(`unexpected "${t.v}"`);
  }
}

export function parseRowFilter(text: string): Expr {
  return new Parser(tokenize(text)).parse();
}

function operands(e: Expr): Operand[] {
  switch (e.t) {
    case "and":
    case "or":
      return e.items.flatMap(operands);
    case "not":
      return operands(e.e);
    case "cmp":
      return [e.l, e.r];
    case "in":
      return [e.e, ...e.list];
    case "isnull":
    case "operand":
      return [e.e];
    case "like":
      return [e.e, e.pattern];
    case "between":
      return [e.e, e.lo, e.hi];
  }
}

/** The columns and user attributes a predicate names. */
export function namesInRowFilter(e: Expr): { columns: string[]; attributes: string[] } {
  const ops = operands(e);
  return {
    columns: [...new Set(ops.flatMap((o) => (o.t === "col" ? [o.name] : [])))],
    attributes: [...new Set(ops.flatMap((o) => (o.t === "attr" ? [o.name] : [])))],
  };
}

/** Parses and checks a predicate against the dataset's columns; throws BAD_REQUEST naming what is wrong. */
export function validateRowFilter(text: string, columns: string[]): Expr {
  const e = parseRowFilter(text);
  const known = new Set(columns);
  for (const c of namesInRowFilter(e).columns) {
    if (!known.has(c)) throw bad(`column ${c} is not a column of this dataset`);
  }
  return e;
}

function sqlLiteral(v: string): string {
  return `'${v.replaceAll("'", "''")}'`;
}

function operandSql(o: Operand, attrs: Record<string, string>): string {
  switch (o.t) {
    case "col":
      return quoteIdent(o.name);
    case "str":
      return sqlLiteral(o.v);
    case "num":
      if (!/^-?[0-9]+(\.[0-9]+)?$/.test(o.v)) throw bad("bad number");
      return o.v;
    case "bool":
      return o.v ? "TRUE" : "FALSE";
    case "null":
      return "NULL";
    case "attr": {
      // A reader without the attribute matches nothing the attribute is compared with.
      const v = Object.hasOwn(attrs, o.name) ? attrs[o.name] : undefined;
      return v === undefined ? "CAST(NULL AS VARCHAR)" : sqlLiteral(v);
    }
  }
}

/** The predicate as DuckDB SQL for one reader, with their attributes as literals. */
export function rowFilterSql(e: Expr, attrs: Record<string, string>): string {
  const o = (x: Operand) => operandSql(x, attrs);
  const not = (neg: boolean) => (neg ? "NOT " : "");
  switch (e.t) {
    case "and":
    case "or":
      return `(${e.items.map((x) => rowFilterSql(x, attrs)).join(e.t === "and" ? " AND " : " OR ")})`;
    case "not":
      return `(NOT ${rowFilterSql(e.e, attrs)})`;
    case "cmp":
      if (!CMP.has(e.op)) throw bad("bad operator");
      return `(${o(e.l)} ${e.op} ${o(e.r)})`;
    case "in":
      return `(${o(e.e)} ${not(e.neg)}IN (${e.list.map(o).join(", ")}))`;
    case "isnull":
      return `(${o(e.e)} IS ${not(e.neg)}NULL)`;
    case "like":
      return `(${o(e.e)} ${not(e.neg)}LIKE ${o(e.pattern)})`;
    case "between":
      return `(${o(e.e)} ${not(e.neg)}BETWEEN ${o(e.lo)} AND ${o(e.hi)})`;
    case "operand":
      return `(${o(e.e)})`;
  }
}
