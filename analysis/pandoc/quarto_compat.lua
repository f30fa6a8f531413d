--[[
The Quarto features this paper uses, for the pandoc fallback when Quarto is
not installed:
  * @fig-… / @tbl-… cross-references, numbered in document order per kind and
    worded per language (图 1 / Figure 1; 表 1 / Table 1). HTML gets numbered
    captions and links; Typst numbers its own figures, so there the reference
    becomes a native Typst reference (@fig-…), which Typst words by `lang`.
  * ::: {.content-visible when-format="html"} and .content-hidden blocks.
  * fig-alt="…" as the image's alternative text.
An unknown cross-reference stops the render (Quarto would print ?@fig-…).
]]

local WORDS = {
  zh = { fig = "图", tbl = "表", sep = "：" },
  en = { fig = "Figure", tbl = "Table", sep = ": " },
}
local is_typst = FORMAT:match("typst") ~= nil
local is_html = FORMAT:match("html") ~= nil

local function format_matches(name)
  if name == "html" then return is_html end
  if name == "pdf" or name == "typst" then return is_typst end
  return FORMAT == name
end

local function visibility(div)
  local when = div.attributes["when-format"]
  if div.classes:includes("content-visible") then
    if when and not format_matches(when) then return {} end
    return div.content
  elseif div.classes:includes("content-hidden") then
    if when and format_matches(when) then return {} end
    return div.content
  end
end

local function words_for(meta)
  local lang = meta.lang and pandoc.utils.stringify(meta.lang) or "en"
  local base = WORDS[lang:match("^(%a+)")] or WORDS.en
  local words = { fig = base.fig, tbl = base.tbl, sep = base.sep }
  local crossref = meta.crossref
  if crossref then
    if crossref["fig-title"] then words.fig = pandoc.utils.stringify(crossref["fig-title"]) end
    if crossref["tbl-title"] then words.tbl = pandoc.utils.stringify(crossref["tbl-title"]) end
    if crossref["title-delim"] then words.sep = pandoc.utils.stringify(crossref["title-delim"]) .. " " end
  end
  return words
end

local function prefix_caption(caption, label, sep)
  local prefix = pandoc.Inlines({ pandoc.Str(label), pandoc.Str(sep) })
  if #caption.long == 0 then
    caption.long = pandoc.Blocks({ pandoc.Plain(prefix) })
  else
    local first = caption.long[1]
    first.content = prefix .. first.content
  end
  return caption
end

function Pandoc(doc)
  local words = words_for(doc.meta)
  doc = doc:walk({ Div = visibility })

  local numbers, counts = {}, { fig = 0, tbl = 0 }
  local function number(el)
    local kind = el.identifier:match("^(%a+)%-")
    if kind ~= "fig" and kind ~= "tbl" then return nil end
    if numbers[el.identifier] then
      error("duplicate cross-reference label: " .. el.identifier)
    end
    counts[kind] = counts[kind] + 1
    local label = words[kind] .. " " .. counts[kind]
    numbers[el.identifier] = label
    if not is_typst then el.caption = prefix_caption(el.caption, label, words.sep) end
    return el
  end

  local function alt_text(fig)
    return fig:walk({
      Image = function(img)
        local alt = img.attributes["fig-alt"]
        if alt then
          img.attributes["fig-alt"] = nil
          img.caption = pandoc.Inlines({ pandoc.Str(alt) })
          return img
        end
      end,
    })
  end

  doc = doc:walk({
    Figure = function(fig) return number(alt_text(fig)) end,
    Table = number,
  })

  doc = doc:walk({
    Cite = function(cite)
      local refs = {}
      for _, c in ipairs(cite.citations) do
        if c.id:match("^fig%-") or c.id:match("^tbl%-") then
          if not numbers[c.id] then error("unknown cross-reference @" .. c.id) end
          table.insert(refs, c.id)
        end
      end
      if #refs == 0 then return nil end
      if #refs ~= #cite.citations then
        error("do not mix cross-references and citations in one bracket: " .. pandoc.utils.stringify(cite))
      end
      local out = pandoc.Inlines({})
      for i, id in ipairs(refs) do
        if i > 1 then out:insert(pandoc.Str(words.fig == "图" and "、" or ", ")) end
        if is_typst then
          out:insert(pandoc.RawInline("typst", "@" .. id))
        else
          out:insert(pandoc.Link(numbers[id], "#" .. id))
        end
      end
      return out
    end,
  })
  return doc
end
