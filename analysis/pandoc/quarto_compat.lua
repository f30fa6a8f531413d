--[[
The Quarto features this paper uses, for the pandoc fallback when Quarto is
not installed:
  * @fig-… / @tbl-… / @sec-… cross-references, numbered in document order per
    kind and worded per language (图 1 / Figure 1; 表 1 / Table 1; 第2.1节 /
    Section 2.1). HTML gets numbered
    captions and links; Typst numbers its own figures, so there the reference
    becomes a native Typst reference (@fig-…), which Typst words by `lang`.
  * ::: {.content-visible when-format="html"} and .content-hidden blocks.
  * fig-alt="…" as the image's alternative text.
An unknown cross-reference stops the render (Quarto would print ?@fig-…).
]]

local WORDS = {
  zh = { fig = "图", tbl = "表", sep = "：", sec_before = "第", sec_after = "节", list_sep = "、" },
  en = { fig = "Figure", tbl = "Table", sep = ": ", sec_before = "Section\u{00A0}", sec_after = "",
         list_sep = ", " },
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
  local words = {}
  for k, v in pairs(base) do words[k] = v end
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
    local label = words[kind] .. "\u{00A0}" .. counts[kind]  -- never break 图 / 1
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

  -- Sections are numbered as pandoc (HTML) and Typst number them: every
  -- heading not marked .unnumbered, by level.
  local levels = {}
  doc = doc:walk({
    Header = function(h)
      if h.classes:includes("unnumbered") then return nil end
      levels[h.level] = (levels[h.level] or 0) + 1
      for l = h.level + 1, 9 do levels[l] = nil end
      local parts = {}
      for l = 1, h.level do table.insert(parts, tostring(levels[l] or 0)) end
      if h.identifier:match("^sec%-") then
        local n = table.concat(parts, ".")
        numbers[h.identifier] = words.sec_before .. n .. words.sec_after
      end
    end,
  })

  local function is_xref(id)
    return id:match("^fig%-") or id:match("^tbl%-") or id:match("^sec%-")
  end

  local function reference(id)
    if not numbers[id] then error("unknown cross-reference @" .. id) end
    if is_typst and not id:match("^sec%-") then
      return pandoc.RawInline("typst", "@" .. id)  -- Typst numbers its own figures
    end
    return pandoc.Link(numbers[id], "#" .. id)
  end

  doc = doc:walk({
    Cite = function(cite)
      local out, rest = pandoc.Inlines({}), {}
      for _, c in ipairs(cite.citations) do
        if is_xref(c.id) then
          if #out > 0 then out:insert(pandoc.Str(words.list_sep)) end
          out:insert(reference(c.id))
        else
          table.insert(rest, c)
        end
      end
      if #out == 0 then return nil end
      if #rest > 0 then  -- "@tbl-x [@key]" arrives as one Cite: keep the citation
        out:insert(pandoc.Space())
        out:insert(pandoc.Cite(pandoc.Inlines({}), rest))
      end
      return out
    end,
  })
  return doc
end
