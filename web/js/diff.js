// diff.js: what changed between two texts, line by line (the longest
// common subsequence), as `enlace consult show --diff` prints it: a list of
// [mark, line] where mark is '-' (removed), '+' (added) or ' ' (kept).
// null when the texts are too long to compare (the table would not fit).
export function lineDiff(a, b) {
  const split = (s) => {
    const lines = s.split('\n');
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    return lines;
  };
  const x = split(a);
  const y = split(b);
  const w = y.length + 1;
  if ((x.length + 1) * w > 4000000) return null;
  const lcs = new Uint32Array((x.length + 1) * w);
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      lcs[i * w + j] = x[i] === y[j] ? lcs[(i + 1) * w + j + 1] + 1
        : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
    }
  }
  const out = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      out.push([' ', x[i]]);
      i++;
      j++;
    } else if (i < x.length && (j === y.length || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) {
      out.push(['-', x[i++]]);
    } else {
      out.push(['+', y[j++]]);
    }
  }
  return out;
}
