# npm dependencies of a test, installed into the build tree so that the
# source tree stays clean: `npm ci --ignore-scripts` (no package runs code at
# install time) in a copy of SOURCE_DIR's package.json and package-lock.json.
#
#   dystonia_npm_test_dependencies(NAME SOURCE_DIR OUT_NODE_MODULES)
#
# Adds the test ${NAME}Install, a CTest fixture named ${NAME}Deps that tests
# needing the modules require, and sets OUT_NODE_MODULES to the directory to
# put in NODE_PATH. Sets DYSTONIA_NODE to the node program. Without node or
# npm (Debian: nodejs npm, installed by `deploy/setup.sh test`) it warns and
# sets OUT_NODE_MODULES to "" so the caller skips its tests.
function(dystonia_npm_test_dependencies name source_dir out_node_modules)
  find_program(DYSTONIA_NODE NAMES node nodejs)
  find_program(DYSTONIA_NPM npm)
  if(NOT DYSTONIA_NODE OR NOT DYSTONIA_NPM)
    message(WARNING "node or npm not found (Debian: nodejs npm, installed by "
                    "`deploy/setup.sh test`): skipping the ${name} tests")
    set(${out_node_modules} "" PARENT_SCOPE)
    return()
  endif()
  set(npm_dir ${CMAKE_CURRENT_BINARY_DIR}/${name}_npm)
  configure_file(${source_dir}/package.json ${npm_dir}/package.json COPYONLY)
  configure_file(${source_dir}/package-lock.json
                 ${npm_dir}/package-lock.json COPYONLY)
  add_test(NAME ${name}Install
           COMMAND ${CMAKE_COMMAND} -E chdir ${npm_dir}
                   ${DYSTONIA_NPM} ci --ignore-scripts --no-audit --no-fund)
  set_tests_properties(${name}Install PROPERTIES
                       FIXTURES_SETUP ${name}Deps TIMEOUT 600)
  set(${out_node_modules} ${npm_dir}/node_modules PARENT_SCOPE)
endfunction()
