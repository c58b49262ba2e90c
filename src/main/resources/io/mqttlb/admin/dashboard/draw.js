// SVG drawings of the dashboard: the ring's shares as two concentric rings, and sparklines.

const SVG = 'http://www.w3.org/2000/svg';
const PALETTE = ['#2b6cb0', '#c05621', '#2f855a', '#6b46c1', '#b7791f', '#c53030', '#2c7a7b', '#97266d', '#4a5568', '#718096'];

export function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, String(value));
  }
  node.append(...children);
  return node;
}

/** A broker's colour, the same in the ring and its legend: by its position among the ids, sorted. */
export function colour(index) {
  return PALETTE[index % PALETTE.length];
}

/** A small square in a broker's colour, for legends. */
export function swatch(index) {
  return svg('svg', { width: 12, height: 12, viewBox: '0 0 12 12' }, svg('rect', { width: 12, height: 12, fill: colour(index) }));
}

/** One ring of arcs, one per share, clockwise from the top; a share of 1 is a full circle. */
function arcs(shares, radius, width, titles) {
  const group = svg('g');
  let start = 0;
  shares.forEach((share, index) => {
    if (share <= 0) {
      return;
    }
    const title = svg('title');
    title.textContent = titles[index];
    if (share >= 0.999999) {
      group.append(svg('circle', { cx: 100, cy: 100, r: radius, fill: 'none', stroke: colour(index), 'stroke-width': width }, title));
    } else {
      const end = start + share;
      const point = (fraction) => {
        const angle = 2 * Math.PI * fraction - Math.PI / 2;
        return `${(100 + radius * Math.cos(angle)).toFixed(3)} ${(100 + radius * Math.sin(angle)).toFixed(3)}`;
      };
      const large = share > 0.5 ? 1 : 0;
      group.append(svg('path', {
        d: `M ${point(start)} A ${radius} ${radius} 0 ${large} 1 ${point(end)}`,
        fill: 'none', stroke: colour(index), 'stroke-width': width, 'data-broker-index': index,
      }, title));
    }
    start += share;
  });
  return group;
}

/**
 * Draws the ring into the svg element: the outer ring is each broker's share of the hash space,
 * the inner one the share it takes new clients for now (brokers down or drained skipped).
 */
export function drawRing(element, brokers) {
  const percent = (share) => `${(share * 100).toFixed(1)} %`;
  element.replaceChildren(
    svg('circle', { cx: 100, cy: 100, r: 86, fill: 'none', stroke: '#e2e8f0', 'stroke-width': 22 }),
    arcs(brokers.map((b) => b.share), 86, 22, brokers.map((b) => `${b.id}: ${percent(b.share)} of the hash space`)),
    svg('circle', { cx: 100, cy: 100, r: 58, fill: 'none', stroke: '#edf2f7', 'stroke-width': 14 }),
    arcs(brokers.map((b) => b.serving), 58, 14, brokers.map((b) => `${b.id}: takes ${percent(b.serving)} of new clients`)),
  );
  if (brokers.length > 0 && brokers.every((b) => b.serving <= 0)) {
    const note = svg('text', { x: 100, y: 104, 'text-anchor': 'middle', 'font-size': 9, fill: '#c53030' });
    note.textContent = 'no broker takes new clients';
    element.append(note);
  }
  element.setAttribute('data-drawn', String(brokers.length));
}

/** A small line of the values (oldest first), scaled to the largest; empty until two values. */
export function sparkline(values, width = 120, height = 24) {
  const line = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'spark' });
  if (values.length < 2) {
    return line;
  }
  const top = Math.max(...values, 1e-9);
  const points = values.map((value, i) => {
    const x = (i / (values.length - 1)) * (width - 2) + 1;
    const y = height - 1 - (value / top) * (height - 2);
    return `${x.toFixed(1)},${y.toFixed(1)}`;
  });
  line.append(svg('polyline', { points: points.join(' '), fill: 'none', stroke: '#2b6cb0', 'stroke-width': 1.5 }));
  return line;
}
