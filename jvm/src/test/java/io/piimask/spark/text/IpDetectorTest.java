package io.piimask.spark.text;

import org.junit.jupiter.api.Test;

class IpDetectorTest {
  @Test
  void addressesOfDevices() {
    Cases.check("ip",
        "laptop ip 198.51.100.23 blocked", "laptop ip [IP] blocked",
        "router at 192.0.2.1", "router at [IP]",
        "v6 2001:db8:85a3::8a2e:370:7334 seen", "v6 [IP] seen",
        "link-local fe80::1ff:fe23:4567:890a", "link-local [IP]",
        "fw 2.1.0.3 ok, but gateway 203.0.113.77 drops", "fw 2.1.0.3 ok, but gateway [IP] drops");
  }

  @Test
  void versionsShapedLikeAddressesAreKept() {
    Cases.check("ip",
        "fw 10.0.0.1 on all units", "=",
        "firmware 4.2.0.1 rollout", "=",
        "v1.2.3.4 testers only", "=",
        "upgraded to 2.0.1.9 last week", "=",
        "build 7.10.2.1 -> 7.10.3.0 fixes it", "=",
        "updated fw, now on 3.3.0.14", "=",
        "time 12:30:45 and ratio 3:1", "=");
  }
}
