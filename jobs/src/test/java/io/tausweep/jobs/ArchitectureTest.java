package io.tausweep.jobs;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The jobs module's layering (ARCHITECTURE.md): {@code cli} on top of {@code driver}, which ships
 * {@code task} objects to executors; {@code store} below them all. Executor-side code must never
 * reach into the driver or the command line, whose objects do not exist on executors.
 */
class ArchitectureTest {
  private static final String JOBS = "io.tausweep.jobs";

  private static JavaClasses production;

  @BeforeAll
  static void importClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(JOBS);
  }

  @Test
  void packagesFormNoCycle() {
    assertThat(production.size()).isGreaterThan(20);
    slices().matching(JOBS + ".(*)..").should().beFreeOfCycles().check(production);
  }

  @Test
  void executorCodeKnowsNeitherDriverNorCli() {
    noClasses()
        .that()
        .resideInAnyPackage(JOBS + ".task..", JOBS + ".store..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(JOBS + ".driver..", JOBS + ".cli..")
        .check(production);
  }

  @Test
  void storageKnowsNoTaskCode() {
    noClasses()
        .that()
        .resideInAPackage(JOBS + ".store..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(JOBS + ".task..")
        .check(production);
  }

  @Test
  void theDriverDoesNotCallBackIntoTheCli() {
    noClasses()
        .that()
        .resideInAPackage(JOBS + ".driver..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(JOBS + ".cli..")
        .check(production);
  }
}
