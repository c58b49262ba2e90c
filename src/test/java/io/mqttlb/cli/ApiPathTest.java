package io.mqttlb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ApiPathTest {
  @Test
  void aSegmentIsEncodedWholeSoSlashesSpacesAndUnicodeStayInside() {
    assertEquals("/api/v1/table/site%2F7%20sensor%20%C3%BC",
        ApiPath.of("/api/v1/table").segment("site/7 sensor ü").toString());
    assertEquals("/api/v1/table/a%2Bb%25c%3Fd%23e%26f", ApiPath.of("/api/v1/table").segment("a+b%c?d#e&f").toString());
  }

  @Test
  void queryValuesAreEncodedAndNullsLeftOut() {
    assertEquals("/api/v1/route?clientId=a%26b%3Dc%20d&username=%E2%82%AC",
        ApiPath.of("/api/v1/route").query("clientId", "a&b=c d").query("username", "€").toString());
    assertEquals("/api/v1/table?limit=5", ApiPath.of("/api/v1/table").query("prefix", null).query("limit", 5).toString());
    assertEquals("/api/v1/table", ApiPath.of("/api/v1/table").query("prefix", null).toString());
  }
}
