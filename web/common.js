// Shared by the pages (/map, /field, /dashboard): building DOM from data safely.
// Everything that comes from the data (names, kinds, statuses) goes on a page as DOM
// text, never as HTML: a hazard named <img src=x onerror=…> shows as those characters.
'use strict';

/// An element with text children (strings become text nodes, never markup).
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'style') Object.assign(node.style, v); else node.setAttribute(k, v);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child ?? '')));
  return node;
}

function text(value) { return value === undefined || value === null ? '' : String(value); }
