package dev.mmapkit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void writesFullPrecisionOrRoundedDoubles() {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("d", 0.011371);
    o.put("set", new LinkedHashSet<>(List.of(1, 2)));
    o.put("inf", Double.POSITIVE_INFINITY);
    assertEquals("{\"d\":0.011371,\"set\":[1,2],\"inf\":null}", Json.write(o));
    assertEquals("{\"d\":0.011,\"set\":[1,2],\"inf\":null}", Json.write(o, 3));
  }
}
