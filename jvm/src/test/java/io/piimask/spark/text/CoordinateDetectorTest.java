package io.piimask.spark.text;

import org.junit.jupiter.api.Test;

class CoordinateDetectorTest {
  @Test
  void pairsInTheirShapes() {
    Cases.check("coordinates",
        "last fix 40.6892, -74.0445 at night", "last fix [COORDINATES] at night",
        "pos 51.5007° N, 0.1246° W", "pos [COORDINATES]",
        "gps 45.4215N 75.6972W", "gps [COORDINATES]",
        "lat 52.5163, lon 13.3777 ok", "[COORDINATES] ok",
        "at 48°51'30\"N 2°17'40\"E", "at [COORDINATES]",
        "N 51° 30.4', W 000° 07.6'", "[COORDINATES]",
        "北緯35度41分 東経139度41分", "[COORDINATES]");
  }

  @Test
  void measurementsVersionsAndSingleNumbersAreKept() {
    Cases.check("coordinates",
        "battery 18.5 V, 4.0 Ah", "=",
        "fw 1.22.0.4 installed", "=",
        "ratio 12.5, 3.75 and 7.25", "=",
        "temp 21.456", "=");
  }
}
