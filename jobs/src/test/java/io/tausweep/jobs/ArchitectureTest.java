package io.tausweep.jobs;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The jobs module's layering (ARCHITECTURE.md): {@code cli} on top of {@code driver}, which ships
 * {@code task} objects to executors; {@code store} below them all. Executor-side code must never
 * reach into the driver or the command line, whose objects do not exist on executors.
 */
@AnalyzeClasses(
    packages = ArchitectureTest.JOBS,
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  static final String JOBS = "io.tausweep.jobs";

  @ArchTest
  static final ArchRule packagesFormNoCycle =
      slices().matching(JOBS + ".(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule executorCodeKnowsNeitherDriverNorCli =
      noClasses()
          .that()
          .resideInAnyPackage(JOBS + ".task..", JOBS + ".store..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(JOBS + ".driver..", JOBS + ".cli..");

  @ArchTest
  static final ArchRule storageKnowsNoTaskCode =
      noClasses()
          .that()
          .resideInAPackage(JOBS + ".store..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage(JOBS + ".task..");

  @ArchTest
  static final ArchRule theDriverDoesNotCallBackIntoTheCli =
      noClasses()
          .that()
          .resideInAPackage(JOBS + ".driver..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage(JOBS + ".cli..");
}
