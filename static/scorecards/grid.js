/* The data-entry grid (templates/admin/scorecards/value_grid.html): moving between boxes
   with Tab, Enter and the arrow keys, and pasting a block of cells copied from a
   spreadsheet. The form works without it. */
"use strict";

(function () {
  const LAYERS = ["grid-value", "grid-note"];

  // Where an input sits: its table, row, column and layer (0 the value, 1 the note).
  function position(input) {
    const cell = input.closest("td.grid-cell");
    const row = cell.parentElement;
    return {
      table: row.closest("table.value-grid"),
      row: row.sectionRowIndex,
      column: [...row.querySelectorAll("td.grid-cell")].indexOf(cell),
      layer: input.classList.contains(LAYERS[1]) ? 1 : 0,
    };
  }

  function inputAt(table, row, column, layer) {
    const rowElement = table.tBodies[0].rows[row];
    const cell = rowElement && rowElement.querySelectorAll("td.grid-cell")[column];
    return cell ? cell.querySelector("input." + LAYERS[layer]) : null;
  }

  function tables() {
    return [...document.querySelectorAll("table.value-grid")];
  }

  function go(input) {
    if (input) {
      input.focus();
      input.select();
    }
    return Boolean(input);
  }

  // Along the rows, table after table: the next (step 1) or previous (step -1) box of a layer.
  function along(at, step) {
    const all = tables();
    let { table, row, column } = at;
    for (;;) {
      const width = table.tBodies[0].rows[0].querySelectorAll("td.grid-cell").length;
      column += step;
      if (column < 0 || column >= width) {
        row += step;
        if (row < 0 || row >= table.tBodies[0].rows.length) {
          table = all[all.indexOf(table) + step];
          if (!table) return null;
          row = step > 0 ? 0 : table.tBodies[0].rows.length - 1;
        }
        const rowWidth = table.tBodies[0].rows[row].querySelectorAll("td.grid-cell").length;
        column = step > 0 ? 0 : rowWidth - 1;
      }
      const found = inputAt(table, row, column, at.layer);
      if (found) return found;
    }
  }

  // Down (step 1) or up (step -1) a column of one layer; into the next table at its end.
  function down(at, step) {
    const found = inputAt(at.table, at.row + step, at.column, at.layer);
    if (found) return found;
    const all = tables();
    const table = all[all.indexOf(at.table) + step];
    if (!table) return null;
    const row = step > 0 ? 0 : table.tBodies[0].rows.length - 1;
    return inputAt(table, row, at.column, at.layer);
  }

  // As the boxes are laid out: a value, its note below it, then the next row's value.
  function visuallyDown(at, step) {
    const layer = at.layer + step;
    if (layer === 0 || layer === 1) return inputAt(at.table, at.row, at.column, layer);
    return down({ ...at, layer: step > 0 ? 0 : 1 }, step);
  }

  function caretAtEdge(input, toEnd) {
    const { selectionStart: start, selectionEnd: end, value } = input;
    if (start === 0 && end === value.length) return true;
    return start === end && start === (toEnd ? value.length : 0);
  }

  function onKeyDown(event) {
    const input = event.target;
    if (!input.matches("table.value-grid input") || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    const at = position(input);
    let moved = false;
    switch (event.key) {
      case "Tab":
        moved = go(along(at, event.shiftKey ? -1 : 1));
        break;
      case "Enter":
        go(down(at, event.shiftKey ? -1 : 1));
        // Enter moves, as in a spreadsheet; the Save button saves.
        moved = true;
        break;
      case "ArrowDown":
        moved = go(visuallyDown(at, 1));
        break;
      case "ArrowUp":
        moved = go(visuallyDown(at, -1));
        break;
      case "ArrowRight":
        moved = caretAtEdge(input, true) && go(inputAt(at.table, at.row, at.column + 1, at.layer));
        break;
      case "ArrowLeft":
        moved = caretAtEdge(input, false) && go(inputAt(at.table, at.row, at.column - 1, at.layer));
        break;
      default:
        return;
    }
    if (moved) event.preventDefault();
  }

  function announce(text) {
    const status = document.getElementById("grid-status");
    if (status) status.textContent = text;
  }

  function markChanged(cell) {
    const changed = [...cell.querySelectorAll("input")].some(
      (input) => input.value !== input.defaultValue
    );
    cell.classList.toggle("is-changed", changed);
  }

  // A block of cells (rows of tab-separated text) fills the grid from the focused box.
  function onPaste(event) {
    const input = event.target;
    if (!input.matches("table.value-grid input") || !event.clipboardData) return;
    const text = event.clipboardData.getData("text/plain").replace(/\r\n?/g, "\n").replace(/\n$/, "");
    if (!/[\t\n]/.test(text)) return;
    event.preventDefault();
    const at = position(input);
    let placed = 0;
    let left = 0;
    text.split("\n").forEach((line, rowStep) => {
      line.split("\t").forEach((value, columnStep) => {
        const target = inputAt(at.table, at.row + rowStep, at.column + columnStep, at.layer);
        if (target) {
          target.value = value.trim();
          markChanged(target.closest("td.grid-cell"));
          placed += 1;
        } else if (value.trim()) {
          left += 1;
        }
      });
    });
    const plural = (count, noun) => `${count} ${noun}${count === 1 ? "" : "s"}`;
    announce(
      `Pasted ${plural(placed, at.layer ? "note" : "value")}` +
        (left ? `; ${plural(left, "cell")} did not fit in the table and ${left === 1 ? "was" : "were"} left out.` : ".") +
        " Nothing is saved until you press Save."
    );
  }

  function onInput(event) {
    const cell = event.target.closest("table.value-grid td.grid-cell");
    if (cell) markChanged(cell);
  }

  document.addEventListener("DOMContentLoaded", function () {
    const form = document.getElementById("value-grid-form");
    if (!form) return;
    form.addEventListener("keydown", onKeyDown);
    form.addEventListener("paste", onPaste);
    form.addEventListener("input", onInput);
  });
})();
