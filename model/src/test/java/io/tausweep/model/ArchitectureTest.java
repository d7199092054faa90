package io.tausweep.model;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The model module's layering (ARCHITECTURE.md): its packages form no cycle, {@code arch} and
 * {@code engine} sit at the bottom, and nothing here knows Spark or the other modules.
 */
class ArchitectureTest {
  private static final String MODEL = "io.tausweep.model";

  /** Packages directly under {@code root}, with their subpackages, form no dependency cycle. */
  private static ArchRule noCyclesUnder(String root) {
    return slices().matching(root + ".(*)..").should().beFreeOfCycles();
  }

  private static JavaClasses production;

  @BeforeAll
  static void importClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(MODEL);
  }

  @Test
  void packagesFormNoCycle() {
    assertThat(production.size()).isGreaterThan(40);
    noCyclesUnder(MODEL).check(production);
  }

  @Test
  void theCycleRuleRejectsACycle() {
    String fixture = MODEL + ".archfixture";
    JavaClasses cyclic = new ClassFileImporter().importPackages(fixture);
    EvaluationResult result = noCyclesUnder(fixture).evaluate(cyclic);
    assertThat(result.hasViolation()).isTrue();
    assertThat(result.getFailureReport().toString()).contains("Slice left", "Slice right");
  }

  @Test
  void modelKnowsNeitherSparkNorTheOtherModules() {
    noClasses()
        .that()
        .resideInAPackage(MODEL + "..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.spark..",
            "scala..",
            "org.apache.hadoop..",
            "io.tausweep.jobs..",
            "io.tausweep.analysis..")
        .check(production);
  }

  @Test
  void theNetworkDependsOnTheSeedsOnly() {
    noClasses()
        .that()
        .resideInAPackage(MODEL + ".arch..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            MODEL + ".engine..",
            MODEL + ".train..",
            MODEL + ".method..",
            MODEL + ".sweep..",
            MODEL + ".config..",
            MODEL + ".data..")
        .check(production);
  }

  @Test
  void theLeanEngineBuildsOnTheNetworkOnly() {
    noClasses()
        .that()
        .resideInAPackage(MODEL + ".engine..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            MODEL + ".train..",
            MODEL + ".method..",
            MODEL + ".sweep..",
            MODEL + ".config..",
            MODEL + ".data..",
            MODEL + ".rng..")
        .check(production);
  }
}
