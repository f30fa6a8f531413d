// Where is this number from? A hover card for every value the paper prints
// from its data: each <span class="data-value" data-origin="ID"> gets the
// origin recorded under ID in <script type="application/json"
// id="data-origins">: the data row's id, its source (title and address), the
// verbatim quote, the model and its card, and a button that copies a
// citation of the number. Cards are Quarto's tippy popovers (same theme as
// its cross-reference previews); the copy button is clipboard.js; both are
// loaded with Quarto's page. Keyboard: each value is focusable; focus opens
// its card, Tab moves into it, Escape closes it.
(function () {
  "use strict";

  const WORDS = {
    en: { statistic: "Statistic", event: "Event", fact: "Reference fact", series: "Public series",
          model: "Model output", count: "Count", value: "Value", source: "Source", quote: "Quote",
          model_card: "Model card", row: "Data row", copy: "Copy citation", copied: "Copied",
          copy_failed: "Copy failed; select the citation below", citation: "Citation" },
    zh: { statistic: "统计数字", event: "事件", fact: "参考事实", series: "公开数据序列",
          model: "模型结果", count: "计数", value: "数值", source: "来源", quote: "原文",
          model_card: "模型卡", row: "数据行", copy: "复制引用", copied: "已复制",
          copy_failed: "复制失败，请选中下方的引用", citation: "引用" },
  };
  const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

  function words() {
    const lang = (document.documentElement.lang || "en").toLowerCase();
    return WORDS[lang.split("-")[0]] || WORDS.en;
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => node.setAttribute(key, value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function row(label, content) {
    const div = el("div", { class: "data-origin-row" });
    div.appendChild(el("span", { class: "data-origin-label" }, label + ": "));
    div.appendChild(typeof content === "string" ? document.createTextNode(content) : content);
    return div;
  }

  function link(href, text) {
    const a = el("a", { href: href }, text);
    if (/^https?:/.test(href)) a.setAttribute("rel", "noopener");
    return a;
  }

  function card(id, origin, w) {
    const box = el("div", { class: "data-origin-card", role: "group",
                            "aria-label": (w[origin.kind] || w.value) + " " + (origin.id || id) });
    const head = el("div", { class: "data-origin-head" });
    head.appendChild(el("span", { class: "data-origin-kind" }, w[origin.kind] || w.value));
    head.appendChild(el("code", { class: "data-origin-id", title: w.row }, origin.id || id));
    box.appendChild(head);
    if (origin.label) box.appendChild(el("div", { class: "data-origin-title" }, origin.label));
    if (origin.row) box.appendChild(row(w.row, el("code", { class: "data-origin-row-id" }, origin.row)));
    if (origin.source && (origin.source.title || origin.source.url)) {
      const title = origin.source.title || origin.source.url;
      const content = origin.source.url ? link(origin.source.url, title) : el("span", {}, title);
      if (CJK.test(title)) content.setAttribute("lang", "zh-Hans");
      box.appendChild(row(w.source, content));
    }
    if (origin.quote) {
      const quote = el("blockquote", { class: "data-origin-quote" }, origin.quote);
      if (CJK.test(origin.quote)) quote.setAttribute("lang", "zh-Hans");
      box.appendChild(row(w.quote, quote));
    }
    if (origin.model && (origin.model.name || origin.model.card)) {
      const model = el("span", {});
      model.appendChild(document.createTextNode(origin.model.name || ""));
      if (origin.model.card) {
        model.appendChild(document.createTextNode(origin.model.name ? " (" : ""));
        model.appendChild(link(origin.model.card, w.model_card));
        if (origin.model.name) model.appendChild(document.createTextNode(")"));
      }
      box.appendChild(row(w.model, model));
    }
    if (origin.citation) {
      const button = el("button", { type: "button", class: "btn btn-sm btn-outline-secondary data-origin-copy" });
      button.appendChild(el("i", { class: "bi bi-clipboard", "aria-hidden": "true" }));
      button.appendChild(document.createTextNode(" " + w.copy));
      const citation = el("div", { class: "data-origin-citation" }, origin.citation);
      if (CJK.test(origin.citation)) citation.setAttribute("lang", "zh-Hans");
      box.appendChild(button);
      box.appendChild(citation);
    }
    return box;
  }

  function copied(button, ok, w) {
    const label = button.lastChild;
    const before = label.textContent;
    label.textContent = " " + (ok ? w.copied : w.copy_failed);
    button.classList.toggle("data-origin-copied", ok);
    setTimeout(() => { label.textContent = before; button.classList.remove("data-origin-copied"); }, 1500);
  }

  function init() {
    const data = document.getElementById("data-origins");
    if (!data || !window.tippy) return;
    let origins;
    try {
      origins = JSON.parse(data.textContent);
    } catch (err) {
      console.warn("data-origins: the origins are not valid JSON", err);
      return;
    }
    const w = words();
    document.querySelectorAll(".data-value[data-origin]").forEach((value) => {
      const id = value.getAttribute("data-origin");
      const origin = origins[id];
      if (!origin) return;
      value.setAttribute("tabindex", "0");
      value.setAttribute("aria-haspopup", "dialog");
      const content = card(id, origin, w);
      const button = content.querySelector(".data-origin-copy");
      if (button && window.ClipboardJS) {
        const clipboard = new window.ClipboardJS(button, { text: () => origin.citation });
        clipboard.on("success", (e) => { e.clearSelection(); copied(button, true, w); });
        clipboard.on("error", () => copied(button, false, w));
      } else if (button) {
        button.addEventListener("click", () => navigator.clipboard.writeText(origin.citation)
          .then(() => copied(button, true, w), () => copied(button, false, w)));
      }
      window.tippy(value, {
        content: content,
        allowHTML: true,
        interactive: true,
        interactiveBorder: 10,
        maxWidth: 440,
        delay: 100,
        arrow: false,
        theme: "quarto",
        placement: "bottom-start",
        trigger: "mouseenter focus",
        appendTo: (ref) => ref.parentElement,
        onShow: (instance) => {
          if (instance._closedByKey) {  // focus given back after Escape: stay closed
            instance._closedByKey = false;
            return false;
          }
          instance._onKey = (e) => {
            if (e.key === "Escape") {
              instance._closedByKey = document.activeElement !== value;
              instance.hide();
              value.focus();
            }
          };
          document.addEventListener("keydown", instance._onKey);
        },
        onHide: (instance) => document.removeEventListener("keydown", instance._onKey),
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
