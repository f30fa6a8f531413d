-- The reader side of the numbers that carry their origin: in HTML, when the
-- document prints a value as <span class="data-value" data-origin="ID">
-- (a Span or raw HTML, e.g. from a value shortcode), add data-origins.js and
-- its stylesheet as an HTML dependency. The script turns each such value
-- into a hover card from the JSON in <script id="data-origins">. Runs after
-- Quarto's filters, so that shortcodes have been expanded.

local function has_values(doc)
  local found = false
  doc:walk({
    Span = function(span)
      if span.classes:includes("data-value") then found = true end
    end,
    RawInline = function(raw)
      if raw.format == "html" and raw.text:match('class="[^"]*data%-value') then found = true end
    end,
  })
  return found
end

return {
  Pandoc = function(doc)
    if quarto.doc.is_format("html:js") and has_values(doc) then
      quarto.doc.add_html_dependency({
        name = "data-origins",
        version = "1.0.0",
        scripts = { "data-origins.js" },
        stylesheets = { "data-origins.css" },
      })
    end
  end,
}
