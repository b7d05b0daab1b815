package io.headroom.app.ops.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AdmissionPropertiesTest {

    @Test
    void overloadIsRefusedWith429UnlessSetTo503AndNothingElseIsAccepted() {
        AdmissionProperties p = new AdmissionProperties();
        assertThat(p.getOverloadStatus()).isEqualTo(429);
        p.setOverloadStatus(503);
        assertThat(p.getOverloadStatus()).isEqualTo(503);
        assertThatThrownBy(() -> p.setOverloadStatus(500))
                .hasMessage("headroom.admission.overload-status must be 429 or 503, got 500");
        assertThat(p.getOverloadStatus()).as("unchanged by the refused value").isEqualTo(503);
    }
}
