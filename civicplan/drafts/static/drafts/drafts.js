/* The draft under discussion: choosing a passage of a paragraph by mouse, touch or keyboard.
   Without JavaScript the passage can be typed into its field and everything still works. */
(function () {
  "use strict";

  function setupPicker() {
    var source = document.getElementById("passage-source");
    var field = document.getElementById("id_passage");
    var start = document.getElementById("id_passage_start");
    var end = document.getElementById("id_passage_end");
    if (!source || !field || !start || !end) return;
    var actions = document.querySelector(".passage-actions");
    var clear = document.getElementById("passage-clear");
    if (actions) actions.hidden = false;
    /* The field stays focusable with a caret (arrows and Shift move and select; a readonly
       field has no caret in Chromium) but its text cannot change; inputmode="none" keeps the
       phone's keyboard closed while a finger selects. */
    var original = source.value;
    source.addEventListener("beforeinput", function (event) { event.preventDefault(); });
    source.addEventListener("input", function () {
      var s = source.selectionStart;
      source.value = original;
      source.setSelectionRange(s, s);
    });

    function update() {
      var s = source.selectionStart, e = source.selectionEnd;
      if (s === null || e === null || s === e) return;
      var chosen = source.value.slice(s, e);
      if (!chosen.trim()) return;
      field.value = chosen.trim().replace(/\s+/g, " ");
      start.value = String(s);
      end.value = String(e);
    }
    ["select", "keyup", "mouseup", "touchend"].forEach(function (name) {
      source.addEventListener(name, update);
    });
    document.addEventListener("selectionchange", function () {
      if (document.activeElement === source) update();
    });
    field.addEventListener("input", function () {
      start.value = "";
      end.value = "";
    });
    if (clear) {
      clear.addEventListener("click", function () {
        field.value = "";
        start.value = "";
        end.value = "";
        source.setSelectionRange(0, 0);
        field.focus();
      });
    }
    var s0 = parseInt(start.value, 10), e0 = parseInt(end.value, 10);
    if (!isNaN(s0) && !isNaN(e0) && e0 > s0) source.setSelectionRange(s0, e0);
  }

  function setupKind() {
    var radios = document.querySelectorAll("input[name='kind']");
    var proposed = document.querySelector(".proposed-field");
    if (!radios.length || !proposed) return;
    function sync() {
      var checked = document.querySelector("input[name='kind']:checked");
      proposed.hidden = !checked || checked.value !== "amendment";
    }
    radios.forEach(function (r) { r.addEventListener("change", sync); });
    sync();
  }

  /* On the reading view: select words of a paragraph with the mouse or a finger and a link
     «Прокомментировать фрагмент» appears under it, leading to the form with the passage. */
  function setupReading() {
    var reading = document.querySelector(".draft-reading");
    if (!reading || reading.getAttribute("data-open") !== "1") return;
    var link = document.createElement("a");
    link.className = "dp-passage-link button";
    link.textContent = "Прокомментировать фрагмент";
    link.hidden = true;
    document.addEventListener("selectionchange", function () {
      var sel = window.getSelection();
      if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return;
      var range = sel.getRangeAt(0);
      var box = range.commonAncestorContainer;
      if (box.nodeType !== 1) box = box.parentNode;
      var text = box && box.closest ? box.closest(".dp-text[data-kind='text']") : null;
      if (!text) { link.hidden = true; return; }
      var before = document.createRange();
      before.setStart(text, 0);
      before.setEnd(range.startContainer, range.startOffset);
      var offset = before.toString().length;
      var length = range.toString().length;
      var count = text.parentNode.querySelector(".dp-count");
      if (!count || !length) return;
      link.href = count.getAttribute("href") + "?start=" + offset + "&end=" + (offset + length) + "#form-h";
      text.parentNode.appendChild(link);
      link.hidden = false;
    });
  }

  function ready() { setupPicker(); setupKind(); setupReading(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
