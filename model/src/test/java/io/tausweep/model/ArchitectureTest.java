package io.tausweep.model;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The model module's layering (ARCHITECTURE.md): its packages form no cycle, {@code arch} and
 * {@code engine} sit at the bottom, and nothing here knows Spark or the other modules. Each rule
 * fails on no classes too, so an empty import cannot pass ({@link CycleRuleTest} checks the cycle
 * rule against a deliberate cycle).
 */
@AnalyzeClasses(
    packages = ArchitectureTest.MODEL,
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  static final String MODEL = "io.tausweep.model";

  /** Packages directly under {@code root}, with their subpackages, form no dependency cycle. */
  static ArchRule noCyclesUnder(String root) {
    return slices().matching(root + ".(*)..").should().beFreeOfCycles();
  }

  @ArchTest static final ArchRule packagesFormNoCycle = noCyclesUnder(MODEL);

  @ArchTest
  static final ArchRule modelKnowsNeitherSparkNorTheOtherModules =
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
              "io.tausweep.analysis..");

  @ArchTest
  static final ArchRule theNetworkDependsOnTheSeedsOnly =
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
              MODEL + ".data..");

  @ArchTest
  static final ArchRule theLeanEngineBuildsOnTheNetworkOnly =
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
              MODEL + ".rng..");
}
