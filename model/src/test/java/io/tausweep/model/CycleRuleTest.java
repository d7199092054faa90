package io.tausweep.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/**
 * The cycle rule of {@link ArchitectureTest} catches a cycle: two fixture packages using each
 * other.
 */
class CycleRuleTest {
  @Test
  void theCycleRuleRejectsACycle() {
    String fixture = ArchitectureTest.MODEL + ".archfixture";
    JavaClasses cyclic = new ClassFileImporter().importPackages(fixture);
    EvaluationResult result = ArchitectureTest.noCyclesUnder(fixture).evaluate(cyclic);
    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().toString()).contains("Slice left", "Slice right");
  }
}
