-- Chinese (and Japanese) words inside a page in another language carry
-- their own language: in HTML, each run of CJK characters in the text of a
-- document whose `lang` is not Chinese or Japanese becomes
-- <span lang="zh"> (or "ja" when it has kana), so that screen readers and
-- browsers (fonts, line breaking) treat it as such (WCAG 3.1.2). Runs after
-- Quarto's filters, so generated tables, captions and values are covered;
-- elements that already say their language are left alone. (The
-- bibliography is made by citeproc after all filters: after-body.html marks
-- its entries in the browser.)

local function class_of(cp)
  if (cp >= 0x3040 and cp <= 0x30FF) or (cp >= 0x31F0 and cp <= 0x31FF) then
    return "kana"
  elseif (cp >= 0x3400 and cp <= 0x9FFF) or (cp >= 0xF900 and cp <= 0xFAFF)
      or (cp >= 0x20000 and cp <= 0x2FA1F) or (cp >= 0x3000 and cp <= 0x303F)
      or (cp >= 0xFF00 and cp <= 0xFFEF) then
    return "han"  -- ideographs, CJK punctuation, full-width forms
  elseif (cp >= 0x30 and cp <= 0x39) or cp == 0x2E or cp == 0x25 or cp == 0xB7
      or cp == 0x2D or cp == 0x2F then
    return "neutral"  -- digits and . % · - / join a run they sit inside
  end
  return "other"
end

-- Str -> list of inlines, CJK runs wrapped in Spans (nil when there is none)
local function split(text)
  local cps = {}
  for _, cp in utf8.codes(text) do
    cps[#cps + 1] = cp
  end
  local out, i, n, found = pandoc.List(), 1, #cps, false
  local plain = {}
  local function flush()
    if #plain > 0 then
      out:insert(pandoc.Str(utf8.char(table.unpack(plain))))
      plain = {}
    end
  end
  while i <= n do
    local c = class_of(cps[i])
    if c == "han" or c == "kana" then
      local j, last, kana = i, i, false
      while j <= n do
        local cj = class_of(cps[j])
        if cj == "han" or cj == "kana" then
          last = j
          kana = kana or cj == "kana"
        elseif cj ~= "neutral" then
          break
        end
        j = j + 1
      end
      flush()
      local run = {}
      for k = i, last do run[#run + 1] = cps[k] end
      out:insert(pandoc.Span({ pandoc.Str(utf8.char(table.unpack(run))) },
        pandoc.Attr("", {}, { lang = kana and "ja" or "zh" })))
      found = true
      i = last + 1
    else
      plain[#plain + 1] = cps[i]
      i = i + 1
    end
  end
  flush()
  return found and out or nil
end

local function has_lang(el)
  return el.attributes and el.attributes.lang ~= nil
end

return {
  Pandoc = function(doc)
    local lang = doc.meta.lang and pandoc.utils.stringify(doc.meta.lang) or "en"
    if not quarto.doc.is_format("html") or lang:match("^zh") or lang:match("^ja") then
      return nil
    end
    return doc:walk({
      traverse = "topdown",
      Span = function(el) if has_lang(el) then return el, false end end,
      Div = function(el) if has_lang(el) then return el, false end end,
      Code = function(el) return el, false end,
      Str = function(el)
        local out = split(el.text)
        if out then return out, false end
      end,
    })
  end,
}
