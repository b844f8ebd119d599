package dev.mmapkit.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict little JSON parser for checking the CLI's output in tests: objects become maps, arrays
 * lists, numbers doubles. It rejects trailing garbage, so a stray progress line fails the test.
 */
final class JsonParser {
  private final String text;
  private int pos;

  private JsonParser(String text) {
    this.text = text;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> object(String text) {
    JsonParser p = new JsonParser(text);
    Object value = p.value();
    p.skipSpace();
    if (p.pos != text.length()) throw p.error("trailing text");
    if (!(value instanceof Map)) throw p.error("not an object");
    return (Map<String, Object>) value;
  }

  private Object value() {
    skipSpace();
    if (pos >= text.length()) throw error("unexpected end");
    char c = text.charAt(pos);
    if (c == '{') return object();
    if (c == '[') return array();
    if (c == '"') return string();
    if (text.startsWith("true", pos)) return literal("true", Boolean.TRUE);
    if (text.startsWith("false", pos)) return literal("false", Boolean.FALSE);
    if (text.startsWith("null", pos)) return literal("null", null);
    return number();
  }

  private Object literal(String word, Object value) {
    pos += word.length();
    return value;
  }

  private Map<String, Object> object() {
    Map<String, Object> map = new LinkedHashMap<>();
    pos++;
    skipSpace();
    if (text.charAt(pos) == '}') {
      pos++;
      return map;
    }
    while (true) {
      skipSpace();
      String key = string();
      skipSpace();
      expect(':');
      map.put(key, value());
      skipSpace();
      if (text.charAt(pos) == ',') {
        pos++;
      } else {
        expect('}');
        return map;
      }
    }
  }

  private List<Object> array() {
    List<Object> list = new ArrayList<>();
    pos++;
    skipSpace();
    if (text.charAt(pos) == ']') {
      pos++;
      return list;
    }
    while (true) {
      list.add(value());
      skipSpace();
      if (text.charAt(pos) == ',') {
        pos++;
      } else {
        expect(']');
        return list;
      }
    }
  }

  private String string() {
    expect('"');
    StringBuilder s = new StringBuilder();
    while (true) {
      char c = text.charAt(pos++);
      if (c == '"') return s.toString();
      if (c != '\\') {
        s.append(c);
        continue;
      }
      char e = text.charAt(pos++);
      switch (e) {
        case 'n' -> s.append('\n');
        case 'r' -> s.append('\r');
        case 't' -> s.append('\t');
        case 'u' -> {
          s.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
          pos += 4;
        }
        default -> s.append(e);
      }
    }
  }

  private Double number() {
    int start = pos;
    while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) pos++;
    if (start == pos) throw error("unexpected character");
    return Double.valueOf(text.substring(start, pos));
  }

  private void expect(char c) {
    if (pos >= text.length() || text.charAt(pos) != c) throw error("expected '" + c + "'");
    pos++;
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) pos++;
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(what + " at " + pos + " in: " + text);
  }
}
