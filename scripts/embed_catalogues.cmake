# Writes a C++ file that holds each string catalogue (kiosk/strings/<locale>.json) as a string.
# Usage: cmake -DOUT=file.cpp -DFILES="a.json;b.json" -P embed_catalogues.cmake
set(text "// Generated from kiosk/strings/*.json by scripts/embed_catalogues.cmake. Do not edit.\n")
string(APPEND text "#include \"kiosk/core/catalogue.h\"\n\nnamespace station {\n\n")
string(APPEND text "const std::vector<EmbeddedCatalogue>& embedded_catalogues() {\n")
string(APPEND text "    static const std::vector<EmbeddedCatalogue> catalogues = {\n")
foreach(f ${FILES})
  get_filename_component(locale ${f} NAME_WE)   # zh-CN.signage.json -> zh-CN
  get_filename_component(name ${f} NAME)
  file(READ ${f} json)
  string(APPEND text "        {\"${locale}\", \"${name}\", R\"STATION_JSON(${json})STATION_JSON\"},\n")
endforeach()
string(APPEND text "    };\n    return catalogues;\n}\n\n}  // namespace station\n")
file(WRITE ${OUT} "${text}")
