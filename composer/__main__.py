from composer.cli import main

main(prog_name="compose")
