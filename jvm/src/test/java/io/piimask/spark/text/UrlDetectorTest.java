package io.piimask.spark.text;

import org.junit.jupiter.api.Test;

class UrlDetectorTest {
  @Test
  void personalPathsAndQueries() {
    Cases.check("url",
        "see https://crm.example.com/users/mweber7 now", "see [URL] now",
        "profile www.example.org/profile/anna.k.", "profile [URL].",
        "link example.de/konto?benutzer=lschulz&x=1 ok", "link [URL] ok",
        "found him on linkedin.com/in/peter-jones-builder", "found him on [URL]",
        "https://app.example.com/share?uid=abc123", "[URL]",
        "home dir https://files.example.com/~jlee/notes", "home dir [URL]");
  }

  @Test
  void documentationAndProductPagesAreKept() {
    Cases.check("url",
        "manual at https://docs.example.com/tools/drill-setup.html", "=",
        "firmware https://downloads.example.com/fw/v2.1/release-notes", "=",
        "see www.example.com for prices", "=",
        "torque 3/8 dr, ratio 1/2", "=");
  }
}
